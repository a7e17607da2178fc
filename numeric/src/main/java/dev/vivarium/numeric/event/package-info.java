/**
 * Named definitions of training events (memorisation, ...) over logged metric series. Every report of an
 * event names the definition and threshold it used ({@code definition()}).
 */
package dev.vivarium.numeric.event;
