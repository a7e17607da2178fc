package dev.vivarium.store.run;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondWriterIsRefusedNamingTheHolderUntilTheFirstLetsGo() throws IOException {
        try (RunLock first = RunLock.acquire(dir)) {
            RunLockedException e = assertThrows(RunLockedException.class, () -> RunLock.acquire(dir));
            assertTrue(
                    e.getMessage().contains("pid " + ProcessHandle.current().pid() + " (this process)"),
                    e.getMessage());
            assertTrue(first.toString() != null);
            assertTrue(e.getMessage().startsWith("run " + dir + " is being written by"), e.getMessage());
        }
        try (RunLock again = RunLock.acquire(dir)) {
            assertTrue(Files.readString(dir.resolve(RunLock.FILE)).startsWith("pid "));
        }
    }

    @Test
    void aLockFileThatIsNotARegularFileIsRefused() throws IOException {
        Files.createDirectory(dir.resolve(RunLock.FILE));
        IOException e = assertThrows(IOException.class, () -> RunLock.acquire(dir));
        assertTrue(e.getMessage().endsWith("the run's lock file is not a regular file"), e.getMessage());
    }
}
