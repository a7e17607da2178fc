package dev.vivarium.laws.predict;

/**
 * The scores of one resolved prediction; a score that does not apply to its kind of forecast is NaN.
 *
 * @param prediction the prediction
 * @param resolution what happened
 * @param brier Brier score (events)
 * @param log log score (events)
 * @param interval interval score (intervals)
 * @param crps CRPS (quantiles)
 * @param hit for an event, whether it happened; for an interval or quantiles, whether the value fell inside
 *     the forecast's central range
 */
public record Score(
        Prediction prediction,
        Resolution resolution,
        double brier,
        double log,
        double interval,
        double crps,
        boolean hit) {

    /** Scores a prediction against its resolution. */
    public static Score of(Prediction p, Resolution r) {
        if (!p.id().equals(r.predictionId())) {
            throw new IllegalArgumentException("resolution of " + r.predictionId() + " does not belong to " + p.id());
        }
        double x = r.value();
        Forecast f = p.forecast();
        if (f instanceof Forecast.Event e) {
            boolean happened = e.comparison().holds(x, e.threshold());
            return new Score(
                    p,
                    r,
                    Scores.brier(e.probability(), happened),
                    Scores.log(e.probability(), happened),
                    Double.NaN,
                    Double.NaN,
                    happened);
        }
        if (f instanceof Forecast.Range i) {
            return new Score(
                    p,
                    r,
                    Double.NaN,
                    Double.NaN,
                    Scores.interval(i.lo(), i.hi(), i.confidence(), x),
                    Double.NaN,
                    x >= i.lo() && x <= i.hi());
        }
        Forecast.Quantiles q = (Forecast.Quantiles) f;
        double[] v = q.values();
        return new Score(
                p,
                r,
                Double.NaN,
                Double.NaN,
                Double.NaN,
                Scores.crps(q.levels(), v, x),
                x >= v[0] && x <= v[v.length - 1]);
    }
}
