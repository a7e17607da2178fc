package dev.vivarium.core.train;

import ai.djl.ndarray.NDArray;
import dev.vivarium.core.engine.Ops;
import dev.vivarium.core.engine.StepScope;
import dev.vivarium.core.model.Params;
import dev.vivarium.store.safetensors.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter 2019) exactly as {@code torch.optim.AdamW} computes it: decoupled
 * weight decay {@code p *= 1 - lr*wd}, bias-corrected moments, {@code eps} added to the corrected
 * root second moment.
 */
public final class AdamW implements Optimizer {
  private final Params params;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long updates;

  public AdamW(Params params, double beta1, double beta2, double eps, double weightDecay) {
    this.params = params;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    for (String n : params.trainableNames()) {
      NDArray p = params.get(n);
      m.put(n, Ops.owned(p.getManager().zeros(p.getShape())));
      v.put(n, Ops.owned(p.getManager().zeros(p.getShape())));
    }
  }

  @Override
  public void step(double lr) {
    updates++;
    double bc1 = 1 - Math.pow(beta1, updates);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, updates));
    double stepSize = lr / bc1;
    try (StepScope scope = new StepScope()) {
      for (String n : params.trainableNames()) {
        NDArray p = params.get(n);
        NDArray g = p.getGradient();
        NDArray mn = m.get(n);
        NDArray vn = v.get(n);
        if (weightDecay != 0) {
          p.muli(1 - lr * weightDecay);
        }
        mn.muli(beta1).addi(g.mul(1 - beta1));
        vn.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denom = vn.sqrt().divi(bc2Sqrt).addi(eps);
        p.subi(mn.div(denom).muli(stepSize));
      }
    }
  }

  @Override
  public long updates() {
    return updates;
  }

  @Override
  public Map<String, Tensor> state() {
    Map<String, Tensor> s = new LinkedHashMap<>();
    m.forEach((n, a) -> s.put("m." + n, Params.toTensor(a)));
    v.forEach((n, a) -> s.put("v." + n, Params.toTensor(a)));
    return s;
  }

  @Override
  public void load(Map<String, Tensor> state, long updates, String source) {
    for (String n : List.copyOf(m.keySet())) {
      NDArray newM = Optimizer.restore(m.get(n), state, "m." + n, source);
      NDArray newV = Optimizer.restore(v.get(n), state, "v." + n, source);
      m.put(n, newM).close();
      v.put(n, newV).close();
    }
    this.updates = updates;
  }
}
