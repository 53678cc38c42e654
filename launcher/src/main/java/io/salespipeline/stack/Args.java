package io.salespipeline.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --name value}, {@code --name=value} and bare {@code --flag} options, checked against what a command accepts.
 */
public final class Args {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|min|h)?");

    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {}

    /**
     * @param valued options that take a value
     * @param flags options that take none
     */
    public static Args parse(List<String> raw, Set<String> valued, Set<String> flags) {
        Args args = new Args();
        for (int i = 0; i < raw.size(); i++) {
            String token = raw.get(i);
            if (!token.startsWith("--")) {
                args.positional.add(token);
                continue;
            }
            String name = token.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw StackException.usage("option --" + name + " takes no value");
                }
                args.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= raw.size()) {
                        throw StackException.usage("option --" + name + " needs a value");
                    }
                    value = raw.get(++i);
                }
                args.put(name, value);
            } else {
                Set<String> known = new HashSet<>(valued);
                known.addAll(flags);
                throw StackException.usage("unknown option --" + name
                        + (known.isEmpty()
                                ? ""
                                : " (known: --" + String.join(", --", new java.util.TreeSet<>(known)) + ")"));
            }
        }
        return args;
    }

    private void put(String name, String value) {
        if (options.put(name, value) != null) {
            throw StackException.usage("option --" + name + " is given twice");
        }
    }

    /** Every option given, by name (flags as "true"). */
    public Map<String, String> options() {
        return java.util.Collections.unmodifiableMap(options);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public String value(String name) {
        return options.get(name);
    }

    public Integer intValue(String name) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw StackException.usage("option --" + name + " expects a whole number, got '" + v + "'");
        }
    }

    public Double doubleValue(String name) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        try {
            double value = Double.parseDouble(v.trim());
            if (Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, as for any other text that is no number
        }
        throw StackException.usage("option --" + name + " expects a number, got '" + v + "'");
    }

    /** A duration such as {@code 500ms}, {@code 90s}, {@code 2min} or {@code 1h}; a bare number is seconds. */
    public Duration durationValue(String name) {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw StackException.usage(
                    "option --" + name + " expects a duration such as 500ms, 90s, 2min or 1h, got '" + v + "'");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.isZero()) {
            throw StackException.usage("option --" + name + " must be longer than 0, got '" + v + "'");
        }
        return duration;
    }

    public List<String> positional() {
        return positional;
    }
}
