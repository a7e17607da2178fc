#!/usr/bin/env python3
"""An independent reader of a TensorBoard event file, as the oracle of `vivarium export --format tensorboard`.

    tfevents_check.py EVENTS_FILE METRICS_JSONL [CONFIG_YAML STATE]
    tfevents_check.py --experiment EVENTS_FILE METRICS_JSONL CONFIG_YAML...

Reads every TFRecord of EVENTS_FILE, checking the masked CRC-32C of each length and each payload with a
table-driven CRC-32C written here (not the writer's), decodes each payload as a tensorflow Event with
message classes built at run time from a FileDescriptorProto (Event, Summary, Summary.Value as
tensorflow/core/util/event.proto and framework/summary.proto number their fields; no protoc, no
TensorFlow), and compares the scalars with METRICS_JSONL: the first event must carry file_version
"brain.Event:2"; then one event per (step, metric) of the log, in the log's order, each with one value
whose tag is the metric and whose simple_value is the logged value rounded to float32. Prints one line
'ok: N records, M scalars' and exits 0, or prints what differs and exits 1.

With CONFIG_YAML and STATE, the HParams plugin's events are decoded too (HParamsPluginData, SessionStartInfo,
SessionEndInfo, Experiment and the rest as tensorboard/plugins/hparams/plugin_data.proto and api.proto number
them, built here on google/protobuf/struct.proto's Value): the second event must be a session_start_info whose
hparams are CONFIG_YAML flattened here (nested keys dotted, list items by index, nulls left out) with their
YAML types (or as text, where the exported runs disagree on a key's type), and the last a session_end_info of status success (COMPLETED) or failure (FAILED, KILLED), none for
RUNNING. With --experiment, EVENTS_FILE holds the experiment: one hparam per key of the configs with its type
and domain (the numbers' min and max, or the distinct strings or booleans), one metric per metric of the log.

Needs Debian's python3-protobuf (import google.protobuf) and python3-yaml.
"""
import json
import math
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool

try:
    from google.protobuf import message_factory
except ImportError:  # pragma: no cover
    message_factory = None


def crc32c_table():
    poly = 0x82F63B78  # CRC-32C (Castagnoli), reflected
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for byte in data:
        c = TABLE[(c ^ byte) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _field(msg, name, number, kind, label=None, type_name=None):
    T = descriptor_pb2.FieldDescriptorProto
    fd = msg.field.add()
    fd.name, fd.number, fd.type = name, number, kind
    fd.label = label or T.LABEL_OPTIONAL
    if type_name:
        fd.type_name = type_name
    return fd


def message_classes():
    from google.protobuf import struct_pb2

    f = descriptor_pb2.FileDescriptorProto()
    f.name = "vivarium_oracle_event.proto"
    f.package = "oracle"
    f.syntax = "proto3"
    f.dependency.append("google/protobuf/struct.proto")
    T = descriptor_pb2.FieldDescriptorProto
    REP = T.LABEL_REPEATED

    plugin_data = f.message_type.add()
    plugin_data.name = "PluginData"
    _field(plugin_data, "plugin_name", 1, T.TYPE_STRING)
    _field(plugin_data, "content", 2, T.TYPE_BYTES)
    meta = f.message_type.add()
    meta.name = "SummaryMetadata"
    _field(meta, "plugin_data", 1, T.TYPE_MESSAGE, type_name=".oracle.PluginData")
    _field(meta, "data_class", 4, T.TYPE_INT32)
    dim = f.message_type.add()
    dim.name = "Dim"
    _field(dim, "size", 1, T.TYPE_INT64)
    shape = f.message_type.add()
    shape.name = "TensorShape"
    _field(shape, "dim", 2, T.TYPE_MESSAGE, REP, ".oracle.Dim")
    tensor = f.message_type.add()
    tensor.name = "Tensor"
    _field(tensor, "dtype", 1, T.TYPE_INT32)
    _field(tensor, "tensor_shape", 2, T.TYPE_MESSAGE, type_name=".oracle.TensorShape")

    summary = f.message_type.add()
    summary.name = "Summary"
    value = summary.nested_type.add()
    value.name = "Value"
    _field(value, "tag", 1, T.TYPE_STRING)
    _field(value, "simple_value", 2, T.TYPE_FLOAT)
    _field(value, "tensor", 8, T.TYPE_MESSAGE, type_name=".oracle.Tensor")
    _field(value, "metadata", 9, T.TYPE_MESSAGE, type_name=".oracle.SummaryMetadata")
    _field(summary, "value", 1, T.TYPE_MESSAGE, REP, ".oracle.Summary.Value")

    event = f.message_type.add()
    event.name = "Event"
    _field(event, "wall_time", 1, T.TYPE_DOUBLE)
    _field(event, "step", 2, T.TYPE_INT64)
    _field(event, "file_version", 3, T.TYPE_STRING)
    _field(event, "summary", 5, T.TYPE_MESSAGE, type_name=".oracle.Summary")

    # the HParams plugin: plugin_data.proto and api.proto
    start = f.message_type.add()
    start.name = "SessionStartInfo"
    entry = start.nested_type.add()
    entry.name = "HparamsEntry"
    entry.options.map_entry = True
    _field(entry, "key", 1, T.TYPE_STRING)
    _field(entry, "value", 2, T.TYPE_MESSAGE, type_name=".google.protobuf.Value")
    _field(start, "hparams", 1, T.TYPE_MESSAGE, REP, ".oracle.SessionStartInfo.HparamsEntry")
    _field(start, "model_uri", 2, T.TYPE_STRING)
    _field(start, "monitor_url", 3, T.TYPE_STRING)
    _field(start, "group_name", 4, T.TYPE_STRING)
    _field(start, "start_time_secs", 5, T.TYPE_DOUBLE)
    end = f.message_type.add()
    end.name = "SessionEndInfo"
    _field(end, "status", 1, T.TYPE_INT32)
    _field(end, "end_time_secs", 2, T.TYPE_DOUBLE)
    interval = f.message_type.add()
    interval.name = "Interval"
    _field(interval, "min_value", 1, T.TYPE_DOUBLE)
    _field(interval, "max_value", 2, T.TYPE_DOUBLE)
    hinfo = f.message_type.add()
    hinfo.name = "HParamInfo"
    _field(hinfo, "name", 1, T.TYPE_STRING)
    _field(hinfo, "display_name", 2, T.TYPE_STRING)
    _field(hinfo, "description", 3, T.TYPE_STRING)
    _field(hinfo, "type", 4, T.TYPE_INT32)
    _field(hinfo, "domain_discrete", 5, T.TYPE_MESSAGE, type_name=".google.protobuf.ListValue")
    _field(hinfo, "domain_interval", 6, T.TYPE_MESSAGE, type_name=".oracle.Interval")
    mname = f.message_type.add()
    mname.name = "MetricName"
    _field(mname, "group", 1, T.TYPE_STRING)
    _field(mname, "tag", 2, T.TYPE_STRING)
    minfo = f.message_type.add()
    minfo.name = "MetricInfo"
    _field(minfo, "name", 1, T.TYPE_MESSAGE, type_name=".oracle.MetricName")
    _field(minfo, "display_name", 3, T.TYPE_STRING)
    _field(minfo, "dataset_type", 5, T.TYPE_INT32)
    exp = f.message_type.add()
    exp.name = "Experiment"
    _field(exp, "description", 1, T.TYPE_STRING)
    _field(exp, "user", 2, T.TYPE_STRING)
    _field(exp, "time_created_secs", 3, T.TYPE_DOUBLE)
    _field(exp, "hparam_infos", 4, T.TYPE_MESSAGE, REP, ".oracle.HParamInfo")
    _field(exp, "metric_infos", 5, T.TYPE_MESSAGE, REP, ".oracle.MetricInfo")
    _field(exp, "name", 6, T.TYPE_STRING)
    data = f.message_type.add()
    data.name = "HParamsPluginData"
    _field(data, "version", 1, T.TYPE_INT32)
    data.oneof_decl.add().name = "data"
    for name, number, t in [("experiment", 2, "Experiment"), ("session_start_info", 3, "SessionStartInfo"),
                            ("session_end_info", 4, "SessionEndInfo")]:
        _field(data, name, number, T.TYPE_MESSAGE, type_name=".oracle." + t).oneof_index = 0

    pool = descriptor_pool.DescriptorPool()
    sp = descriptor_pb2.FileDescriptorProto()
    struct_pb2.DESCRIPTOR.CopyToProto(sp)
    pool.Add(sp)
    pool.Add(f)

    def cls(name):
        desc = pool.FindMessageTypeByName("oracle." + name)
        if hasattr(message_factory, "GetMessageClass"):
            return message_factory.GetMessageClass(desc)
        return message_factory.MessageFactory(pool).GetPrototype(desc)

    return cls("Event"), cls("HParamsPluginData")


def flatten(node, prefix, out):
    if isinstance(node, dict):
        for k, v in node.items():
            flatten(v, (prefix + "." if prefix else "") + str(k), out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            flatten(v, (prefix + "." if prefix else "") + str(i), out)
    elif node is not None:
        out[prefix] = node


def config_of(path):
    import yaml

    out = {}
    with open(path) as fh:
        flatten(yaml.safe_load(fh), "", out)
    return out


def kind_of(v):
    return "bool" if isinstance(v, bool) else "number" if isinstance(v, (int, float)) else "string"


def value_of(v):
    """A google.protobuf.Value as (kind, python value)."""
    which = v.WhichOneof("kind")
    return {"number_value": "number", "string_value": "string", "bool_value": "bool"}.get(which, which), \
        getattr(v, which) if which else None


def hparams_payload(event, tag, HParamsPluginData, problems):
    """The HParamsPluginData of an hparams event, or None with the problem noted."""
    if len(event.summary.value) != 1:
        problems.append("%s: %d values" % (tag, len(event.summary.value)))
        return None
    v = event.summary.value[0]
    if v.tag != tag:
        problems.append("expected the %s event, got tag %r" % (tag, v.tag))
        return None
    if v.metadata.plugin_data.plugin_name != "hparams":
        problems.append("%s: plugin %r" % (tag, v.metadata.plugin_data.plugin_name))
    if v.tensor.dtype != 1 or [d.size for d in v.tensor.tensor_shape.dim] != [0]:
        problems.append("%s: tensor is not a length-0 float vector: %s" % (tag, v.tensor))
    d = HParamsPluginData.FromString(v.metadata.plugin_data.content)
    if d.version != 0:
        problems.append("%s: version %d" % (tag, d.version))
    return d


def is_hparams(event):
    return len(event.summary.value) == 1 and event.summary.value[0].metadata.plugin_data.plugin_name == "hparams"


def check_experiment(path, metrics_file, configs):
    Event, HParamsPluginData = message_classes()
    events = [Event.FromString(p) for p in records(path)]
    problems = []
    if len(events) != 2 or events[0].file_version != "brain.Event:2":
        raise SystemExit("the experiment file is not a file_version event and one more: %d events" % len(events))
    d = hparams_payload(events[1], "_hparams_/experiment", HParamsPluginData, problems)
    if d is not None and d.WhichOneof("data") != "experiment":
        problems.append("the experiment event holds %s" % d.WhichOneof("data"))
    flat = [config_of(c) for c in configs]
    keys = []
    for c in flat:
        keys += [k for k in c if k not in keys]
    infos = {h.name: h for h in d.experiment.hparam_infos}
    if len(infos) != len(d.experiment.hparam_infos) or sorted(infos) != sorted(keys):
        problems.append("hparams %s, the configs have %s" % (list(infos), keys))
    for k in keys:
        vals = [c[k] for c in flat if k in c]
        kinds = set(kind_of(v) for v in vals)
        kind = kinds.pop() if len(kinds) == 1 else "string"
        h = infos.get(k)
        if h is None:
            continue
        want_type = {"string": 1, "bool": 2, "number": 3}[kind]
        if h.type != want_type:
            problems.append("%s: type %d, expected %d" % (k, h.type, want_type))
        if kind == "number":
            if not h.HasField("domain_interval"):
                problems.append("%s: no interval domain" % k)
            elif (h.domain_interval.min_value, h.domain_interval.max_value) != (min(vals), max(vals)):
                problems.append("%s: interval [%r, %r], expected [%r, %r]" % (
                    k, h.domain_interval.min_value, h.domain_interval.max_value, min(vals), max(vals)))
        else:
            want = []
            for v in vals:
                v = str(v) if kind == "string" else v
                if v not in want:
                    want.append(v)
            got = [value_of(x)[1] for x in h.domain_discrete.values]
            if len(got) != len(want) or sorted(got, key=repr) != sorted(want, key=repr):  # any order
                problems.append("%s: discrete domain %r, expected %r" % (k, got, want))
    metrics = []
    with open(metrics_file) as fh:
        for line in fh:
            if line.strip():
                metrics += [k for k in json.loads(line) if k not in ("step", "wall_s") and k not in metrics]
    got = [(m.name.group, m.name.tag) for m in d.experiment.metric_infos]
    if got != [("", m) for m in metrics]:
        problems.append("metrics %r, the log has %r" % (got, metrics))
    if problems:
        print("\n".join(problems[:20]))
        sys.exit(1)
    print("ok: experiment of %d hparams, %d metrics" % (len(infos), len(got)))


def records(path):
    with open(path, "rb") as fh:
        data = fh.read()
    at = 0
    n = 0
    while at < len(data):
        if len(data) - at < 12:
            raise ValueError("record %d: %d trailing bytes, not a record header" % (n, len(data) - at))
        header = data[at:at + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[at + 8:at + 12])
        if masked(header) != length_crc:
            raise ValueError("record %d: length CRC %08x, expected %08x" % (n, length_crc, masked(header)))
        payload = data[at + 12:at + 12 + length]
        if len(payload) != length:
            raise ValueError("record %d: %d bytes of %d" % (n, len(payload), length))
        (data_crc,) = struct.unpack("<I", data[at + 12 + length:at + 16 + length])
        if masked(payload) != data_crc:
            raise ValueError("record %d: data CRC %08x, expected %08x" % (n, data_crc, masked(payload)))
        yield payload
        at += 16 + length
        n += 1


def as_float32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def logged(v):
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def main():
    if sys.argv[1] == "--experiment":
        check_experiment(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    events_file, metrics_file = sys.argv[1], sys.argv[2]
    config_file, state = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else (None, None)
    if crc32c(b"123456789") != 0xE3069283:  # the check value of CRC-32C
        raise SystemExit("the oracle's own CRC-32C is wrong")
    Event, HParamsPluginData = message_classes()
    events = [Event.FromString(p) for p in records(events_file)]
    expected = []
    with open(metrics_file) as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                for k, v in row.items():
                    if k != "step":
                        expected.append((int(row["step"]), k, as_float32(logged(v))))
    problems = []
    if not events or events[0].file_version != "brain.Event:2":
        problems.append("first event has no file_version brain.Event:2")
    scalars = events[1:]
    hparams = 0
    if config_file is not None:
        if len(scalars) < 1:
            problems.append("no session_start_info event")
        else:
            d = hparams_payload(scalars[0], "_hparams_/session_start_info", HParamsPluginData, problems)
            hparams += 1
            if d is not None:
                got = {k: value_of(v) for k, v in d.session_start_info.hparams.items()}
                want = {k: (kind_of(v), v) for k, v in config_of(config_file).items()}
                # where the exported runs disagree on a key's type it is a string hparam: the value's text
                for k, (kind, v) in want.items():
                    if k in got and got[k][0] == "string" and kind != "string":
                        text = str(v).lower() if kind == "bool" else str(v)
                        if got[k][1] == text:
                            want[k] = got[k]
                if got != want:
                    problems.append("session hparams %r, the config has %r" % (got, want))
                if not d.session_start_info.start_time_secs > 0:
                    problems.append("start_time_secs %r" % d.session_start_info.start_time_secs)
            scalars = scalars[1:]
        if state == "RUNNING":
            if scalars and is_hparams(scalars[-1]):
                problems.append("a running run has a session_end_info")
        elif not scalars:
            problems.append("no session_end_info event")
        else:
            d = hparams_payload(scalars[-1], "_hparams_/session_end_info", HParamsPluginData, problems)
            hparams += 1
            want = 1 if state == "COMPLETED" else 2
            if d is not None and d.session_end_info.status != want:
                problems.append("session status %d, expected %d for %s" % (d.session_end_info.status, want, state))
            scalars = scalars[:-1]
    elif any(is_hparams(e) for e in scalars):
        problems.append("hparams events, but no CONFIG_YAML to check them against")
    if len(scalars) != len(expected):
        problems.append("%d scalar events, the log has %d values" % (len(scalars), len(expected)))
    for i, (e, (step, tag, value)) in enumerate(zip(scalars, expected)):
        if len(e.summary.value) != 1:
            problems.append("event %d: %d values" % (i + 1, len(e.summary.value)))
            continue
        v = e.summary.value[0]
        if e.step != step or v.tag != tag or not same(v.simple_value, value):
            problems.append("event %d: step %d %s=%r, log has step %d %s=%r"
                            % (i + 1, e.step, v.tag, v.simple_value, step, tag, value))
        if not e.wall_time > 0:
            problems.append("event %d: wall_time %r" % (i + 1, e.wall_time))
    if problems:
        print("\n".join(problems[:20]))
        sys.exit(1)
    print("ok: %d records, %d scalars" % (len(events), len(scalars)) + (", %d hparams events" % hparams if config_file else ""))


if __name__ == "__main__":
    main()
