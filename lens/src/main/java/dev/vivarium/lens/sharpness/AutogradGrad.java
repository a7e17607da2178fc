package dev.vivarium.lens.sharpness;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.autograd.grad} for DJL arrays, through the TorchScript module
 * {@code autograd_grad.pt} (written by {@code tools/oracle/lens_autograd_module.py}).
 *
 * <p>Why not {@code backward(createGraph=true)}: it accumulates the gradient into each parameter's
 * {@code .grad}; with a graph attached, that gradient references nodes that reference the
 * parameter, a reference cycle libtorch never frees, and every further double backward chains a
 * new graph onto it (the leak DJL's double backward is known for). {@code autograd.grad} returns
 * the gradients instead, so nothing outlives the arrays the caller holds: closing them frees the
 * whole graph. The module is loaded once per JVM and its methods run with autograd enabled.
 */
final class AutogradGrad {
    private static final String RESOURCE = "/dev/vivarium/lens/sharpness/autograd_grad.pt";
    private static PtSymbolBlock module;
    private static NDManager moduleManager;

    private AutogradGrad() {}

    private static synchronized PtSymbolBlock module() {
        if (module == null) {
            try (InputStream in = AutogradGrad.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + RESOURCE + "; rebuild the lens module");
                }
                moduleManager = NDManager.newBaseManager();
                module = JniUtils.loadModule((PtNDManager) moduleManager, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + RESOURCE, e);
            }
        }
        return module;
    }

    /**
     * The gradients of {@code sum_i outputs[i] . gradOutputs[i]} with respect to {@code inputs}; the
     * graph of every output is kept (it is freed with the arrays that hold it).
     *
     * @param createGraph whether the returned gradients carry a graph (for a second derivative)
     */
    static List<NDArray> grad(
            List<NDArray> outputs, List<NDArray> inputs, List<NDArray> gradOutputs, boolean createGraph) {
        if (outputs.size() != gradOutputs.size()) {
            throw new IllegalArgumentException(
                    outputs.size() + " outputs but " + gradOutputs.size() + " output gradients");
        }
        // DJL passes a list argument as the arrays named "<argument>[]", in order; names are restored after
        List<NDArray> all = new ArrayList<>();
        all.addAll(outputs);
        all.addAll(inputs);
        all.addAll(gradOutputs);
        List<String> names = all.stream().map(NDArray::getName).toList();
        NDList args = new NDList();
        outputs.forEach(a -> args.add(named(a, "outputs[]")));
        inputs.forEach(a -> args.add(named(a, "inputs[]")));
        gradOutputs.forEach(a -> args.add(named(a, "grad_outputs[]")));
        NDArray method = null;
        if (!createGraph) {
            method = outputs.get(0).getManager().zeros(new Shape(1));
            method.setName("module_method:vjp");
            args.add(method);
        }
        boolean gradMode = JniUtils.isGradMode();
        try {
            JniUtils.setGradMode(true);
            NDList out = IValueUtils.forward(module(), args, true); // true: autograd stays on inside
            return new ArrayList<>(out);
        } finally {
            JniUtils.setGradMode(gradMode);
            for (int i = 0; i < all.size(); i++) {
                all.get(i).setName(names.get(i));
            }
            if (method != null) {
                method.close();
            }
        }
    }

    private static NDArray named(NDArray a, String name) {
        a.setName(name);
        return a;
    }
}
