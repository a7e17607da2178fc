/**
 * An append-only, hash-chained ledger of JSON entries (one per line, each covering the previous entry's hash),
 * appended under an OS file lock and checked by {@link dev.vivarium.laws.ledger.LedgerCheck}. The prediction
 * registry keeps its registrations, amendments and resolutions here. Depends on {@code store.io} only.
 */
package dev.vivarium.laws.ledger;
