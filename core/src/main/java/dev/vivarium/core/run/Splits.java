package dev.vivarium.core.run;

import dev.vivarium.core.task.Split;
import dev.vivarium.store.run.RunDir;
import dev.vivarium.store.safetensors.Safetensors;
import dev.vivarium.store.safetensors.SafetensorsFile;
import dev.vivarium.store.safetensors.Tensor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's {@code split.safetensors}: the train and test sets as indices into the task's examples, written
 * when the run starts. The one reader of the file: everything that trains on or analyses a run's split reads
 * it here, validated against the task.
 */
public final class Splits {
    private Splits() {}

    /** Writes the split of a new run. */
    static void write(RunDir run, Split split) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("train", Tensor.ofInts(new long[] {split.train().length}, split.train()));
        t.put("test", Tensor.ofInts(new long[] {split.test().length}, split.test()));
        Safetensors.write(run.splitFile(), t, Map.of("what", "indices into the task's examples, in generation order"));
    }

    /**
     * The split a run recorded (the directory is the truth, even if split rules change later), checked
     * against the task's {@code nExamples}: both sets non-empty, in range, no repeats, disjoint.
     *
     * @throws IOException naming the file and what is wrong with it
     */
    public static Split read(RunDir run, int nExamples) throws IOException {
        SafetensorsFile f = Safetensors.read(run.splitFile());
        Tensor train = f.tensors().get("train");
        Tensor test = f.tensors().get("test");
        if (train == null || test == null) {
            throw new IOException(run.splitFile() + ": needs tensors 'train' and 'test', found "
                    + f.tensors().keySet());
        }
        Split split;
        try {
            split = new Split(train.toInts(), test.toInts());
            split.validate(nExamples);
        } catch (IllegalArgumentException e) {
            throw new IOException(run.splitFile() + ": " + e.getMessage(), e);
        }
        return split;
    }
}
