/** One small class per subcommand: parse, delegate to a library call, print. */
package dev.vivarium.app.cmd;
