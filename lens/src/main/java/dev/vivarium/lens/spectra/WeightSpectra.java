package dev.vivarium.lens.spectra;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Model;
import dev.vivarium.lens.numeric.Tensors;
import java.util.ArrayList;
import java.util.List;

/**
 * The spectra of every weight matrix of a model. Biases ({@code b_*}, even the per-head
 * {@code [head, dHead]} ones) and LayerNorm vectors are skipped.
 * Per-head tensors become one matrix per layer: {@code W_Q|K|V [head, dModel, dHead]} as
 * {@code [dModel, head*dHead]}, {@code W_O [head, dHead, dModel]} as {@code [head*dHead, dModel]}.
 */
public final class WeightSpectra {
    private WeightSpectra() {}

    public static List<MatrixSpectrum> of(Model model) {
        List<MatrixSpectrum> out = new ArrayList<>();
        for (String name : model.params().names()) {
            NDArray p = model.params().get(name);
            String leaf = name.substring(name.lastIndexOf('.') + 1);
            if (p.getShape().dimension() < 2 || leaf.startsWith("b")) {
                continue;
            }
            try (StepScope s = new StepScope()) {
                out.add(MatrixSpectrum.of(name, Tensors.matrix(asMatrix(name, p.stopGradient()))));
            }
        }
        return out;
    }

    /** A parameter in its 2-d form (see the class comment). */
    static NDArray asMatrix(String name, NDArray p) {
        Shape s = p.getShape();
        if (s.dimension() == 2) {
            return p;
        }
        if (s.dimension() != 3) {
            throw new IllegalArgumentException(name + " has shape " + s + "; expected 2 or 3 axes");
        }
        if (name.endsWith("W_O")) {
            return p.reshape(s.get(0) * s.get(1), s.get(2));
        }
        return p.transpose(1, 0, 2).reshape(s.get(1), s.get(0) * s.get(2));
    }
}
