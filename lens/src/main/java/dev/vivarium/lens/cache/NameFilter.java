package dev.vivarium.lens.cache;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which hook points to touch: exact names, globs, or any predicate.
 *
 * <p>In a glob, {@code *} matches within one dotted segment and {@code **} across segments, so
 * {@code blocks.*.hook_resid_post} is every layer's residual stream and {@code **hook_z} every
 * head output.
 */
public final class NameFilter implements Predicate<String> {
    private final Predicate<String> test;
    private final String description;

    private NameFilter(Predicate<String> test, String description) {
        this.test = test;
        this.description = description;
    }

    /** Every hook point. */
    public static NameFilter all() {
        return new NameFilter(n -> true, "all");
    }

    /** Exactly these names. */
    public static NameFilter names(String... names) {
        return names(List.of(names));
    }

    /** Exactly these names. */
    public static NameFilter names(List<String> names) {
        Set<String> set = Set.copyOf(names);
        return new NameFilter(set::contains, "names " + names);
    }

    /** Names matching any of the globs. */
    public static NameFilter glob(String... globs) {
        List<Pattern> patterns =
                java.util.Arrays.stream(globs).map(NameFilter::compile).toList();
        return new NameFilter(
                n -> patterns.stream().anyMatch(p -> p.matcher(n).matches()), "glob " + String.join(", ", globs));
    }

    /** Any predicate on names. */
    public static NameFilter of(Predicate<String> predicate) {
        return new NameFilter(predicate, "predicate");
    }

    @Override
    public boolean test(String name) {
        return test.test(name);
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean twice = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                re.append(twice ? ".*" : "[^.]*");
                i += twice ? 1 : 0;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** The names among {@code candidates} that pass, in their order. */
    public List<String> select(List<String> candidates) {
        return candidates.stream().filter(this).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return description;
    }
}
