package dev.vivarium.lens.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.vivarium.store.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Indented JSON written atomically; a non-finite number (an undefined score) is written as {@code null}. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .registerModule(new SimpleModule().addSerializer(Double.class, new StdSerializer<Double>(Double.class) {
                @Override
                public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
                    if (Double.isFinite(v)) {
                        g.writeNumber(v);
                    } else {
                        g.writeNull();
                    }
                }
            }));

    private Json() {}

    /** Writes {@code value} to {@code file} (a temporary name, forced to disk, renamed). */
    public static void write(Path file, Object value) throws IOException {
        AtomicFiles.writeBytes(file, MAPPER.writeValueAsBytes(value));
    }
}
