/** A run's metric log in other tools' formats: CSV, Parquet (through DuckDB) and TensorBoard event files. */
package dev.vivarium.app.export;
