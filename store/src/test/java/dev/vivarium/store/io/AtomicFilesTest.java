package dev.vivarium.store.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void writesNewFileAndReplacesOldOne() throws IOException {
        Path target = dir.resolve("config.yaml");
        AtomicFiles.writeString(target, "a: 1\n");
        assertEquals("a: 1\n", Files.readString(target));
        AtomicFiles.writeString(target, "a: 2\n");
        assertEquals("a: 2\n", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void writeBytesIsExact() throws IOException {
        Path target = dir.resolve("blob");
        byte[] content = {0, -1, 10, 13, 127, -128};
        AtomicFiles.writeBytes(target, content);
        assertArrayEquals(new byte[] {0, -1, 10, 13, 127, -128}, Files.readAllBytes(target));
    }

    @Test
    void targetUntouchedAndNoTempFileWhenWriterThrowsIoException() throws IOException {
        Path target = dir.resolve("status.json");
        Files.writeString(target, "old");
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write("half of the new content".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void targetUntouchedAndNoTempFileWhenWriterThrowsRuntimeException() throws IOException {
        Path target = dir.resolve("status.json");
        Files.writeString(target, "old");
        assertThrows(
                IllegalStateException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(new byte[100_000]);
                    throw new IllegalStateException("bug in writer");
                }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void noTargetCreatedWhenFirstWriteFails() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, out -> {
                    throw new IOException("nope");
                }));
        assertFalse(Files.exists(target));
        assertEquals(List.of(), listing());
    }

    @Test
    void writerMayCloseTheStream() throws IOException {
        Path target = dir.resolve("closed.txt");
        AtomicFiles.write(target, out -> {
            out.write('x');
            out.close();
        });
        assertEquals("x", Files.readString(target));
        assertEquals(List.of(target), listing());
    }

    @Test
    void missingDirectoryIsAnIoException() {
        Path target = dir.resolve("no/such/dir/file.txt");
        assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "x"));
        assertTrue(Files.notExists(dir.resolve("no")));
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void onlyARegularFileOrNothingIsReplaced() throws IOException {
        Path real = Files.writeString(dir.resolve("real.txt"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), real);
        Path folder = Files.createDirectory(dir.resolve("folder"));
        for (Path target : List.of(link, folder, Path.of("/dev/null"))) {
            IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(target, "new"));
            assertTrue(e.getMessage().startsWith(target + ": exists and is not a regular file"), e.getMessage());
        }
        assertEquals("keep", Files.readString(real));
        assertTrue(Files.isSymbolicLink(link) && Files.isDirectory(folder));
        try (var left = Files.list(dir)) {
            assertEquals(3, left.count(), "no temporary file was left");
        }
    }

    @Test
    void temporariesOfKilledWritersAreRemovedAndNothingElse() throws IOException {
        Path stale = Files.writeString(dir.resolve(".status.json.tmp-3k9x1"), "half");
        Path kept = Files.writeString(dir.resolve("status.json"), "{}");
        Path lookalike = Files.writeString(dir.resolve("notes.tmp-1"), "mine");
        assertEquals(List.of(stale), AtomicFiles.removeTemporaries(dir));
        assertTrue(Files.exists(kept) && Files.exists(lookalike) && Files.notExists(stale));
    }
}
