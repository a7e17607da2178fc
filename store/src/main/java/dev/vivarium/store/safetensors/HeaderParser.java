package dev.vivarium.store.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses and validates a safetensors header against the size of the data buffer that follows it, so
 * that every entry it returns describes bytes that exist, without overlap, covering the buffer exactly.
 */
final class HeaderParser {

    /** Where the JSON header starts in the file: after the 8-byte length. */
    static final int HEADER_START = 8;

    static final String METADATA_KEY = "__metadata__";

    /** One validated header entry; offsets are relative to the data buffer. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    /** Entries in header order, and the metadata. */
    record Header(List<Entry> entries, Map<String, String> metadata) {}

    private static final JsonFactory JSON = new JsonFactory();

    private final String source;
    private final long dataStart;
    private final long dataLength;

    private HeaderParser(String source, long dataStart, long dataLength) {
        this.source = source;
        this.dataStart = dataStart;
        this.dataLength = dataLength;
    }

    /**
     * @param header the JSON bytes, padding included
     * @param dataLength bytes in the file after the header
     */
    static Header parse(String source, byte[] header, long dataLength) throws SafetensorsException {
        HeaderParser p = new HeaderParser(source, HEADER_START + (long) header.length, dataLength);
        p.checkUtf8(header);
        Header h = p.readJson(header);
        p.checkCoverage(h.entries());
        return h;
    }

    private void checkUtf8(byte[] header) throws SafetensorsException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw fail(null, HEADER_START + in.position(), "header is not valid UTF-8");
            }
            if (r.isUnderflow()) {
                return;
            }
            out.clear();
        }
    }

    private Header readJson(byte[] header) throws SafetensorsException {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(header)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw fail(null, HEADER_START, "header is empty or blank; expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw fail(
                        null,
                        HEADER_START + p.currentTokenLocation().getByteOffset(),
                        "header must be a JSON object, found " + describe(first));
            }
            Map<String, Long> seen = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                long at = HEADER_START + p.currentTokenLocation().getByteOffset();
                JsonNode value = readValue(p, p.nextToken());
                if (seen.putIfAbsent(name, at) != null) {
                    throw fail(
                            null, at, "duplicate key '" + name + "' in header (first at byte " + seen.get(name) + ")");
                }
                if (name.equals(METADATA_KEY)) {
                    readMetadata(value, at, metadata);
                } else {
                    if (entries.size() == Safetensors.MAX_TENSORS) {
                        throw fail(
                                null,
                                at,
                                "more than " + Safetensors.MAX_TENSORS
                                        + " tensors in the header; no model of this project has that many");
                    }
                    entries.add(readEntry(name, value, at));
                }
            }
            JsonToken after = p.nextToken();
            if (after != null) {
                throw fail(
                        null,
                        HEADER_START + p.currentTokenLocation().getByteOffset(),
                        "unexpected " + describe(after) + " after the header's JSON object");
            }
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw fail(null, at < 0 ? -1 : HEADER_START + at, "header is not valid JSON: " + e.getOriginalMessage());
        } catch (SafetensorsException e) {
            throw e;
        } catch (IOException e) {
            throw fail(null, -1, "header could not be parsed: " + e.getMessage());
        }
        return new Header(entries, metadata);
    }

    /** Reads the value starting at {@code t} into a tree, rejecting duplicate keys at any depth. */
    private JsonNode readValue(JsonParser p, JsonToken t) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    long at = HEADER_START + p.currentTokenLocation().getByteOffset();
                    JsonNode v = readValue(p, p.nextToken());
                    if (o.has(name)) {
                        throw fail(null, at, "duplicate key '" + name + "' in header");
                    }
                    o.set(name, v);
                }
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = f.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    a.add(readValue(p, e));
                }
                return a;
            }
            case VALUE_STRING:
                return f.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? f.numberNode(p.getBigIntegerValue())
                        : f.numberNode(p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                return f.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
            case VALUE_FALSE:
                return f.booleanNode(t == JsonToken.VALUE_TRUE);
            case VALUE_NULL:
                return f.nullNode();
            default:
                throw fail(
                        null,
                        HEADER_START + p.currentTokenLocation().getByteOffset(),
                        "header is not valid JSON: unexpected " + describe(t));
        }
    }

    private void readMetadata(JsonNode value, long at, Map<String, String> into) throws SafetensorsException {
        if (!value.isObject()) {
            throw fail(null, at, METADATA_KEY + " must be an object of string values, found " + kind(value));
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual()) {
                throw fail(
                        null,
                        at,
                        METADATA_KEY + " value for key '" + e.getKey() + "' must be a string, found "
                                + kind(e.getValue()) + " " + abbreviate(e.getValue()));
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private Entry readEntry(String name, JsonNode value, long at) throws SafetensorsException {
        if (!value.isObject()) {
            throw fail(name, at, "entry must be an object with dtype, shape and data_offsets, found " + kind(value));
        }
        JsonNode dtypeNode = require(name, value, "dtype", at);
        if (!dtypeNode.isTextual()) {
            throw fail(name, at, "dtype must be a string, found " + kind(dtypeNode));
        }
        DType dtype;
        try {
            dtype = DType.parse(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw fail(name, at, e.getMessage());
        }
        long[] shape = longs(name, require(name, value, "shape", at), "shape", at);
        long[] offsets = longs(name, require(name, value, "data_offsets", at), "data_offsets", at);
        if (offsets.length != 2) {
            throw fail(name, at, "data_offsets must be [begin, end], found " + offsets.length + " numbers");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw fail(name, at, "data_offsets [" + begin + ", " + end + "] must have begin <= end");
        }
        long bytes;
        try {
            bytes = Tensor.byteCount(dtype, shape);
        } catch (IllegalArgumentException e) {
            throw fail(name, at, e.getMessage());
        }
        if (end > dataLength) {
            throw fail(
                    name,
                    at,
                    "data_offsets [" + begin + ", " + end + "] run past the end of the data buffer (" + dataLength
                            + " bytes, file ends at byte " + (dataStart + dataLength) + ")");
        }
        if (end - begin != bytes) {
            throw fail(
                    name,
                    dataStart + begin,
                    "shape " + Arrays.toString(shape) + " " + dtype + " needs " + bytes + " bytes, data_offsets ["
                            + begin + ", " + end + "] give " + (end - begin));
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** The buffer must be covered exactly: sorted by offset, each tensor starts where the last ended. */
    private void checkCoverage(List<Entry> entries) throws SafetensorsException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < covered) {
                throw fail(
                        e.name(),
                        dataStart + e.begin(),
                        "data_offsets [" + e.begin() + ", " + e.end() + "] overlap tensor '" + previous.name()
                                + "' at [" + previous.begin() + ", " + previous.end() + "]");
            }
            if (e.begin() > covered) {
                throw fail(
                        null,
                        dataStart + covered,
                        "bytes [" + covered + ", " + e.begin()
                                + ") of the data buffer belong to no tensor; the format requires the buffer to be fully covered");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw fail(
                    null,
                    dataStart + covered,
                    "bytes [" + covered + ", " + dataLength
                            + ") at the end of the data buffer belong to no tensor; the format requires the buffer to be fully covered");
        }
    }

    private JsonNode require(String name, JsonNode entry, String field, long at) throws SafetensorsException {
        JsonNode v = entry.get(field);
        if (v == null) {
            throw fail(name, at, "entry has no " + field + "; each tensor needs dtype, shape and data_offsets");
        }
        return v;
    }

    private long[] longs(String name, JsonNode node, String field, long at) throws SafetensorsException {
        if (!node.isArray()) {
            throw fail(name, at, field + " must be an array of non-negative integers, found " + kind(node));
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw fail(name, at, field + " must be an array of non-negative integers, found " + abbreviate(node));
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private SafetensorsException fail(String tensor, long at, String problem) {
        return new SafetensorsException(
                source, Optional.ofNullable(tensor), at < 0 ? OptionalLong.empty() : OptionalLong.of(at), problem);
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String describe(JsonToken t) {
        return t == null ? "end of input" : t.asString() != null ? "'" + t.asString() + "'" : t.name();
    }
}
