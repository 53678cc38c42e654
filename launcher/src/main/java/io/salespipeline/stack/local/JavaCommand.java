package io.salespipeline.stack.local;

import java.util.ArrayList;
import java.util.List;

/** A JVM command line: the same java that runs the launcher, so the servers get the JDK the user chose. */
record JavaCommand(List<String> jvmArgs, String classpath, String mainClass, List<String> programArgs) {

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static int javaFeatureVersion() {
        return Runtime.version().feature();
    }

    List<String> toCommandLine() {
        List<String> line = new ArrayList<>();
        line.add(javaBinary());
        line.addAll(jvmArgs);
        line.add("-cp");
        line.add(classpath);
        line.add(mainClass);
        line.addAll(programArgs);
        return line;
    }
}
