/**
 * SQL over run directories: an in-memory DuckDB database rebuilt from the runs on each query ({@code runs},
 * {@code metrics}, {@code final}), and the formats a result is printed in.
 */
package dev.vivarium.app.query;
