package dev.vivarium.laws.table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CSV table with a header row, read whole. Fields may be quoted with {@code "}; a quoted field may hold
 * commas and doubled quotes. Numeric columns are parsed on request, with errors that name the file, the
 * column and the line.
 */
public final class CsvTable {
    private final String source;
    private final List<String> header;
    private final List<String[]> rows;

    private CsvTable(String source, List<String> header, List<String[]> rows) {
        this.source = source;
        this.header = List.copyOf(header);
        this.rows = rows;
    }

    /** Reads {@code file}; a missing or empty file is a clear error. */
    public static CsvTable read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such table: " + file);
        }
        try {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table " + file, e);
        }
    }

    /** Parses lines of CSV text; {@code source} names them in error messages. */
    public static CsvTable parse(String source, List<String> lines) {
        List<String[]> rows = new ArrayList<>();
        List<String> header = null;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = split(line);
            if (header == null) {
                header = Arrays.stream(fields).map(String::trim).toList();
            } else {
                rows.add(fields);
            }
        }
        if (header == null) {
            throw new IllegalArgumentException(source + " is empty: expected a header row");
        }
        return new CsvTable(source, header, rows);
    }

    public List<String> header() {
        return header;
    }

    public int size() {
        return rows.size();
    }

    /** The column named {@code name}, parsed as numbers; blank, "nan" or unparsable fields are errors. */
    public double[] column(String name) {
        int c = header.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException(source + " has no column '" + name + "': columns are " + header);
        }
        double[] out = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] row = rows.get(i);
            String field = c < row.length ? row[c].trim() : "";
            try {
                out[i] = Double.parseDouble(field);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        source + " line " + (i + 2) + ", column '" + name + "': '" + field + "' is not a number");
            }
        }
        return out;
    }

    private static String[] split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        fields.add(field.toString());
        return fields.toArray(String[]::new);
    }
}
