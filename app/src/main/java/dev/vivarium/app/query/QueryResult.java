package dev.vivarium.app.query;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a query returned: column names, whether each column is numeric (for alignment and JSON), and the
 * rows, each value as JDBC's {@code getObject} gave it (null for SQL NULL).
 *
 * @param columns the column names, in order
 * @param numeric for each column, true if its SQL type is a number
 * @param rows the rows; each array has one value per column
 */
public record QueryResult(List<String> columns, List<Boolean> numeric, List<Object[]> rows) {
    /** Copies the lists; every row must have one value per column. */
    public QueryResult {
        columns = List.copyOf(columns);
        numeric = List.copyOf(numeric);
        if (numeric.size() != columns.size()) {
            throw new IllegalArgumentException(columns.size() + " columns but " + numeric.size() + " type flags");
        }
        List<Object[]> copy = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            if (r.length != columns.size()) {
                throw new IllegalArgumentException(
                        "a row of " + r.length + " values for " + columns.size() + " columns");
            }
            copy.add(r.clone());
        }
        rows = Collections.unmodifiableList(copy);
    }
}
