package dev.vivarium.app.export;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TensorBoard's HParams plugin data, hand-encoded as {@link TfEvents} encodes its events: an {@code
 * HParamsPluginData} (tensorboard/plugins/hparams/plugin_data.proto: {@code version} 1, {@code experiment} 2,
 * {@code session_start_info} 3, {@code session_end_info} 4) carried as the content of a summary value whose
 * metadata names the plugin {@code hparams} ({@link TfEvents#pluginEvent}).
 *
 * <p>The fields written (api.proto, plugin_data.proto, google/protobuf/struct.proto): {@code
 * SessionStartInfo.hparams} (1, map of string to {@code google.protobuf.Value}), {@code start_time_secs} (5,
 * double); {@code SessionEndInfo.status} (1, enum: 1 success, 2 failure, 3 running), {@code end_time_secs} (2);
 * {@code Experiment.time_created_secs} (3), {@code hparam_infos} (4), {@code metric_infos} (5); {@code
 * HParamInfo.name} (1), {@code type} (4: 1 string, 2 bool, 3 float64), {@code domain_discrete} (5, {@code
 * ListValue}) or {@code domain_interval} (6: {@code min_value} 1, {@code max_value} 2); {@code
 * MetricInfo.name} (1: {@code MetricName.tag} 2); {@code Value}: {@code null_value} 1, {@code number_value} 2,
 * {@code string_value} 3, {@code bool_value} 4; {@code ListValue.values} 1. A map entry is a message of
 * {@code key} 1 and {@code value} 2.
 */
public final class HParams {
    /** The plugin's name in a summary's metadata. */
    public static final String PLUGIN = "hparams";

    public static final String EXPERIMENT_TAG = "_hparams_/experiment";
    public static final String SESSION_START_TAG = "_hparams_/session_start_info";
    public static final String SESSION_END_TAG = "_hparams_/session_end_info";

    /** {@code api.proto}'s {@code Status}. */
    public enum Status {
        UNKNOWN,
        SUCCESS,
        FAILURE,
        RUNNING
    }

    /** {@code api.proto}'s {@code DataType} of an hparam. */
    public enum Type {
        UNSET,
        STRING,
        BOOL,
        FLOAT64
    }

    private HParams() {}

    /**
     * The type of each key over every run's flattened config: {@code FLOAT64} where every value is a number,
     * {@code BOOL} where every value is a boolean, else {@code STRING}; nulls are left out.
     */
    public static Map<String, Type> types(List<Map<String, Object>> configs) {
        Map<String, Type> out = new LinkedHashMap<>();
        for (Map<String, Object> c : configs) {
            for (Map.Entry<String, Object> e : c.entrySet()) {
                Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                Type t = v instanceof Number ? Type.FLOAT64 : v instanceof Boolean ? Type.BOOL : Type.STRING;
                Type before = out.get(e.getKey());
                out.put(e.getKey(), before == null || before == t ? t : Type.STRING);
            }
        }
        return out;
    }

    /** {@code HParamsPluginData{session_start_info}} of one run's config, each value as {@code types} says. */
    public static byte[] sessionStart(Map<String, Object> config, Map<String, Type> types, double startTime) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> e : config.entrySet()) {
            Type t = types.get(e.getKey());
            if (e.getValue() == null || t == null) {
                continue;
            }
            ByteArrayOutputStream entry = new ByteArrayOutputStream();
            Proto.bytes(entry, 1, utf8(e.getKey()));
            Proto.bytes(entry, 2, value(e.getValue(), t));
            Proto.bytes(info, 1, entry.toByteArray());
        }
        Proto.double64(info, 5, startTime);
        return pluginData(3, info.toByteArray());
    }

    /** {@code HParamsPluginData{session_end_info}}. */
    public static byte[] sessionEnd(Status status, double endTime) {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        Proto.varint(info, 1, status.ordinal());
        Proto.double64(info, 2, endTime);
        return pluginData(4, info.toByteArray());
    }

    /**
     * {@code HParamsPluginData{experiment}}: each hparam with its type and domain over {@code configs} (the
     * numbers' interval, or the distinct strings or booleans), and each metric by tag.
     */
    public static byte[] experiment(List<Map<String, Object>> configs, List<String> metrics, double created) {
        Map<String, Type> types = types(configs);
        ByteArrayOutputStream x = new ByteArrayOutputStream();
        Proto.double64(x, 3, created);
        for (Map.Entry<String, Type> e : types.entrySet()) {
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            Proto.bytes(info, 1, utf8(e.getKey()));
            Proto.varint(info, 4, e.getValue().ordinal());
            if (e.getValue() == Type.FLOAT64) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (Map<String, Object> c : configs) {
                    Object v = c.get(e.getKey());
                    if (v != null) {
                        lo = Math.min(lo, ((Number) v).doubleValue());
                        hi = Math.max(hi, ((Number) v).doubleValue());
                    }
                }
                ByteArrayOutputStream interval = new ByteArrayOutputStream();
                Proto.double64(interval, 1, lo);
                Proto.double64(interval, 2, hi);
                Proto.bytes(info, 6, interval.toByteArray());
            } else {
                Set<Object> distinct = new LinkedHashSet<>();
                for (Map<String, Object> c : configs) {
                    Object v = c.get(e.getKey());
                    if (v != null) {
                        distinct.add(e.getValue() == Type.STRING ? String.valueOf(v) : v);
                    }
                }
                ByteArrayOutputStream list = new ByteArrayOutputStream();
                for (Object v : distinct) {
                    Proto.bytes(list, 1, value(v, e.getValue()));
                }
                Proto.bytes(info, 5, list.toByteArray());
            }
            Proto.bytes(x, 4, info.toByteArray());
        }
        for (String m : metrics) {
            ByteArrayOutputStream name = new ByteArrayOutputStream();
            Proto.bytes(name, 2, utf8(m));
            ByteArrayOutputStream info = new ByteArrayOutputStream();
            Proto.bytes(info, 1, name.toByteArray());
            Proto.bytes(x, 5, info.toByteArray());
        }
        return pluginData(2, x.toByteArray());
    }

    /** The metrics of rows, in order of first appearance, without {@code step} and {@code wall_s}. */
    public static List<String> metrics(List<Map<String, Double>> rows) {
        Set<String> out = new LinkedHashSet<>();
        for (Map<String, Double> r : rows) {
            for (String k : r.keySet()) {
                if (!k.equals("step") && !k.equals("wall_s")) {
                    out.add(k);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** A {@code google.protobuf.Value} of {@code v} as type {@code t}. */
    private static byte[] value(Object v, Type t) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        switch (t) {
            case FLOAT64:
                Proto.double64(b, 2, ((Number) v).doubleValue());
                break;
            case BOOL:
                Proto.varint(b, 4, ((Boolean) v) ? 1 : 0);
                break;
            default:
                Proto.bytes(b, 3, utf8(String.valueOf(v)));
                break;
        }
        return b.toByteArray();
    }

    /** {@code HParamsPluginData{version: 0, <field>: message}} (version 0 is proto3's default: not written). */
    private static byte[] pluginData(int field, byte[] message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Proto.bytes(b, field, message);
        return b.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
