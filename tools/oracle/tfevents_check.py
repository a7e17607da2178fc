#!/usr/bin/env python3
"""An independent reader of a TensorBoard event file, as the oracle of `vivarium export --format tensorboard`.

    tfevents_check.py EVENTS_FILE METRICS_JSONL

Reads every TFRecord of EVENTS_FILE, checking the masked CRC-32C of each length and each payload with a
table-driven CRC-32C written here (not the writer's), decodes each payload as a tensorflow Event with
message classes built at run time from a FileDescriptorProto (Event, Summary, Summary.Value as
tensorflow/core/util/event.proto and framework/summary.proto number their fields; no protoc, no
TensorFlow), and compares the scalars with METRICS_JSONL: the first event must carry file_version
"brain.Event:2"; then one event per (step, metric) of the log, in the log's order, each with one value
whose tag is the metric and whose simple_value is the logged value rounded to float32. Prints one line
'ok: N records, M scalars' and exits 0, or prints what differs and exits 1.

Needs Debian's python3-protobuf (import google.protobuf).
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


def message_classes():
    f = descriptor_pb2.FileDescriptorProto()
    f.name = "vivarium_oracle_event.proto"
    f.package = "oracle"
    f.syntax = "proto3"
    T = descriptor_pb2.FieldDescriptorProto

    summary = f.message_type.add()
    summary.name = "Summary"
    value = summary.nested_type.add()
    value.name = "Value"
    for name, number, kind in [("tag", 1, T.TYPE_STRING), ("simple_value", 2, T.TYPE_FLOAT)]:
        fd = value.field.add()
        fd.name, fd.number, fd.type, fd.label = name, number, kind, T.LABEL_OPTIONAL
    fd = summary.field.add()
    fd.name, fd.number, fd.type, fd.label = "value", 1, T.TYPE_MESSAGE, T.LABEL_REPEATED
    fd.type_name = ".oracle.Summary.Value"

    event = f.message_type.add()
    event.name = "Event"
    for name, number, kind in [("wall_time", 1, T.TYPE_DOUBLE), ("step", 2, T.TYPE_INT64),
                               ("file_version", 3, T.TYPE_STRING)]:
        fd = event.field.add()
        fd.name, fd.number, fd.type, fd.label = name, number, kind, T.LABEL_OPTIONAL
    fd = event.field.add()
    fd.name, fd.number, fd.type, fd.label = "summary", 5, T.TYPE_MESSAGE, T.LABEL_OPTIONAL
    fd.type_name = ".oracle.Summary"

    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    desc = pool.FindMessageTypeByName("oracle.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


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
    events_file, metrics_file = sys.argv[1], sys.argv[2]
    if crc32c(b"123456789") != 0xE3069283:  # the check value of CRC-32C
        raise SystemExit("the oracle's own CRC-32C is wrong")
    Event = message_classes()
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
    print("ok: %d records, %d scalars" % (len(events), len(scalars)))


if __name__ == "__main__":
    main()
