package dev.vivarium.store.run;

import java.io.IOException;
import java.nio.file.Path;

/** A second writer tried to open a run that another writer holds. */
public final class RunLockedException extends IOException {
    private static final long serialVersionUID = 1L;

    RunLockedException(Path run, String holder) {
        super("run " + run + " is being written by " + holder + "; one writer at a time (wait for it, or stop it)");
    }
}
