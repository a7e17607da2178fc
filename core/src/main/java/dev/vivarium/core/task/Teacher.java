package dev.vivarium.core.task;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Teacher-student regression on a data manifold (Sharma &amp; Kaplan 2020, "A neural scaling law from the
 * dimension of the data manifold"): a fixed random ReLU network, the teacher, labels inputs that lie on a
 * {@code dataDim}-dimensional linear subspace of {@code R^inputDim}; a student learns it with MSE.
 *
 * <p>Inputs: {@code z} uniform in {@code [-1, 1]^dataDim}, {@code x = A z} with {@code A} a fixed random
 * {@code inputDim x dataDim} matrix with orthonormal columns (Gram-Schmidt of a Gaussian matrix), so the
 * inputs fill a {@code dataDim}-dimensional cube, rotated into the ambient space. (Sharma and Kaplan feed the
 * cube to the teacher directly; the rotation keeps the manifold's dimension and hides it from the axes.)
 *
 * <p>Teacher: {@code teacherDepth} ReLU layers of {@code teacherWidth} and one linear output. Hidden weights
 * are N(0, 2/fan_in) (He), where the first layer's fan-in is {@code dataDim}, the dimension its inputs span
 * (with orthonormal {@code A}, {@code W^T x} has the law of a {@code dataDim}-input layer on {@code z}), so
 * every layer's pre-activations are of order one; hidden biases are N(0, 1/4), so that the ReLU kinks fall
 * inside the data; output weights are N(0, 1/fan_in), the output bias is zero. The teacher is evaluated in
 * double precision on the float32 inputs the student sees, and its output stored as float32.
 *
 * <p>Targets: {@code y = teacher(x)}, plus Gaussian noise of standard deviation {@code noise} on the
 * training examples only. Examples {@code 0..samples-1} train, the next {@code testSamples} test. Inputs,
 * basis, teacher and noise come from four independent streams derived from the seed.
 *
 * @param inputDim ambient input dimension D
 * @param dataDim dimension d of the data manifold, in [1, D]
 * @param teacherWidth the teacher's hidden width
 * @param teacherDepth the teacher's hidden layers
 * @param noise standard deviation of the Gaussian noise on the training targets, at least 0
 * @param samples training examples drawn
 * @param testSamples held-out examples drawn
 */
public record Teacher(
        int inputDim, int dataDim, int teacherWidth, int teacherDepth, double noise, int samples, int testSamples)
        implements TaskConfig {
    private static final long BASIS_STREAM = 0xBA515_0F_A11L;
    private static final long TEACHER_STREAM = 0x7EAC_E0_5EEDL;
    private static final long NOISE_STREAM = 0x0015_E0_5EEDL;

    public Teacher {
        if (inputDim < 1 || inputDim > 4096) {
            throw new IllegalArgumentException("inputDim: must be in [1, 4096], got " + inputDim);
        }
        if (dataDim < 1 || dataDim > inputDim) {
            throw new IllegalArgumentException("dataDim: must be in [1, inputDim=" + inputDim
                    + "] (the manifold lies in the input space), got " + dataDim);
        }
        if (teacherWidth < 1 || teacherWidth > 4096) {
            throw new IllegalArgumentException("teacherWidth: must be in [1, 4096], got " + teacherWidth);
        }
        if (teacherDepth < 1 || teacherDepth > 16) {
            throw new IllegalArgumentException("teacherDepth: must be in [1, 16], got " + teacherDepth);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("noise: must be a standard deviation >= 0 (0 for none), got " + noise);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples: must be a positive integer, got " + samples);
        }
        if (testSamples < 1) {
            throw new IllegalArgumentException("testSamples: must be a positive integer, got " + testSamples);
        }
        if (((long) samples + testSamples) * inputDim > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("samples: (samples + testSamples) * inputDim must stay below 2^31, got ("
                    + samples + " + " + testSamples + ") * " + inputDim);
        }
    }

    /** No vocabulary: the inputs are real numbers. */
    @Override
    public int dVocab() {
        return 0;
    }

    /** One real output. */
    @Override
    public int dVocabOut() {
        return 1;
    }

    /** Real features per example, {@code inputDim}. */
    @Override
    public int seqLen() {
        return inputDim;
    }

    @Override
    public boolean regression() {
        return true;
    }

    /**
     * The teacher network: {@code weights[l]} is {@code [fanIn][fanOut]}, {@code biases[l]} {@code [fanOut]};
     * the last layer is the linear output.
     *
     * @param weights one matrix per layer, hidden layers then the output
     * @param biases one vector per layer
     */
    public record Net(double[][][] weights, double[][] biases) {
        /** The teacher's output for one input: ReLU on every layer but the last. */
        public double forward(double[] x) {
            double[] h = x;
            for (int l = 0; l < weights.length; l++) {
                double[][] w = weights[l];
                double[] next = biases[l].clone();
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < next.length; j++) {
                        next[j] += h[i] * w[i][j];
                    }
                }
                if (l < weights.length - 1) {
                    for (int j = 0; j < next.length; j++) {
                        next[j] = Math.max(0, next[j]);
                    }
                }
                h = next;
            }
            return h[0];
        }
    }

    /** The basis {@code A} of the data subspace for {@code seed}: {@code [inputDim][dataDim]}, orthonormal columns. */
    public double[][] basis(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ BASIS_STREAM);
        double[][] a = new double[inputDim][dataDim];
        for (double[] row : a) {
            for (int j = 0; j < dataDim; j++) {
                row[j] = gaussian(r);
            }
        }
        for (int j = 0; j < dataDim; j++) { // modified Gram-Schmidt, column by column
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (double[] row : a) {
                    dot += row[j] * row[k];
                }
                for (double[] row : a) {
                    row[j] -= dot * row[k];
                }
            }
            double norm = 0;
            for (double[] row : a) {
                norm += row[j] * row[j];
            }
            norm = Math.sqrt(norm);
            for (double[] row : a) {
                row[j] /= norm;
            }
        }
        return a;
    }

    /** The teacher network for {@code seed} (independent of the student's initial weights). */
    public Net net(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ TEACHER_STREAM);
        double[][][] w = new double[teacherDepth + 1][][];
        double[][] b = new double[teacherDepth + 1][];
        int in = inputDim;
        for (int l = 0; l <= teacherDepth; l++) {
            boolean output = l == teacherDepth;
            int out = output ? 1 : teacherWidth;
            double fanIn = l == 0 ? dataDim : in;
            double std = Math.sqrt((output ? 1.0 : 2.0) / fanIn);
            w[l] = new double[in][out];
            for (double[] row : w[l]) {
                for (int j = 0; j < out; j++) {
                    row[j] = std * gaussian(r);
                }
            }
            b[l] = new double[out];
            if (!output) {
                for (int j = 0; j < out; j++) {
                    b[l][j] = 0.5 * gaussian(r);
                }
            }
            in = out;
        }
        return new Net(w, b);
    }

    @Override
    public Data generate(long seed) {
        int total = samples + testSamples;
        double[][] a = basis(seed);
        Net net = net(seed);
        SplittableRandom inputs = new SplittableRandom(seed);
        SplittableRandom noisy = new SplittableRandom(seed ^ NOISE_STREAM);
        float[] features = new float[total * inputDim];
        float[] values = new float[total];
        double[] z = new double[dataDim];
        double[] x = new double[inputDim];
        for (int i = 0; i < total; i++) {
            for (int j = 0; j < dataDim; j++) {
                z[j] = 2 * inputs.nextDouble() - 1;
            }
            for (int k = 0; k < inputDim; k++) {
                double s = 0;
                for (int j = 0; j < dataDim; j++) {
                    s += a[k][j] * z[j];
                }
                float f = (float) s;
                features[i * inputDim + k] = f;
                x[k] = f; // the teacher labels exactly the input the student sees
            }
            double y = net.forward(x);
            if (i < samples && noise > 0) {
                y += noise * gaussian(noisy);
            }
            values[i] = (float) y;
        }
        int[] train = new int[samples];
        int[] test = new int[testSamples];
        Arrays.setAll(train, i -> i);
        Arrays.setAll(test, i -> samples + i);
        return new Data(new Dense(total, inputDim, features, 1, values), new Split(train, test));
    }

    /** A standard normal draw by Box-Muller from two uniform doubles (specified, unlike nextGaussian's algorithm). */
    private static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble(); // in (0, 1]
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Fills in what a teacher recipe may leave out: 16 input dimensions, a teacher of 2 hidden layers of 64,
     * no noise, 10,000 test samples.
     */
    public static void fillDefaults(ObjectNode t) {
        t.putIfAbsent("inputDim", t.numberNode(16));
        t.putIfAbsent("teacherWidth", t.numberNode(64));
        t.putIfAbsent("teacherDepth", t.numberNode(2));
        t.putIfAbsent("noise", t.numberNode(0.0));
        t.putIfAbsent("testSamples", t.numberNode(10_000));
    }
}
