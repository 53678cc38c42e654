package io.salespipeline.stack;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value}, {@code --name=value} and bare {@code --flag} options, checked against what a command accepts. */
public final class Args {

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
                throw StackException.usage("unknown option --" + name + (known.isEmpty() ? "" : " (known: --" + String.join(", --", new java.util.TreeSet<>(known)) + ")"));
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

    public List<String> positional() {
        return positional;
    }
}
