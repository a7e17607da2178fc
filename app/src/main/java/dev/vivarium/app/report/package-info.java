/** Pictures and tables of runs for people: training curves as PNG, run tables as text. */
package dev.vivarium.app.report;
