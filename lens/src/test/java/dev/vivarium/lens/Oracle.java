package dev.vivarium.lens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Expected values written by the scripts in {@code tools/oracle/lens_*.py}. */
public final class Oracle {
    private Oracle() {}

    public static JsonNode json(String name) {
        try (InputStream in = Oracle.class.getResourceAsStream("/oracle/" + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "missing test resource oracle/" + name + "; regenerate with tools/oracle/");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[][] matrix(JsonNode n) {
        double[][] m = new double[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(n.get(i));
        }
        return m;
    }

    public static double[] vector(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asDouble();
        }
        return v;
    }
}
