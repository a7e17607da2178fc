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
 * Stochastic gradient descent with momentum as {@code torch.optim.SGD} computes it (no dampening,
 * no Nesterov): {@code g += wd*p; buf = momentum*buf + g; p -= lr*buf}, the buffer starting at the
 * first gradient.
 */
public final class Sgd implements Optimizer {
  private final Params params;
  private final double momentum;
  private final double weightDecay;
  private final Map<String, NDArray> buf = new LinkedHashMap<>();
  private long updates;

  public Sgd(Params params, double momentum, double weightDecay) {
    this.params = params;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    for (String n : params.trainableNames()) {
      NDArray p = params.get(n);
      buf.put(n, Ops.owned(p.getManager().zeros(p.getShape())));
    }
  }

  @Override
  public void step(double lr) {
    updates++;
    try (StepScope scope = new StepScope()) {
      for (String n : params.trainableNames()) {
        NDArray p = params.get(n);
        NDArray g = p.getGradient();
        if (weightDecay != 0) {
          g = g.add(p.mul(weightDecay));
        }
        NDArray b = buf.get(n);
        if (momentum == 0) {
          p.subi(g.mul(lr));
          continue;
        }
        if (updates == 1) {
          b.muli(0).addi(g);
        } else {
          b.muli(momentum).addi(g);
        }
        p.subi(b.mul(lr));
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
    buf.forEach((n, a) -> s.put("momentum." + n, Params.toTensor(a)));
    return s;
  }

  @Override
  public void load(Map<String, Tensor> state, long updates, String source) {
    for (String n : List.copyOf(buf.keySet())) {
      buf.put(n, Optimizer.restore(buf.get(n), state, "momentum." + n, source)).close();
    }
    this.updates = updates;
  }
}
