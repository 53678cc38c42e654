package io.salespipeline.stack.local;

import java.nio.file.Path;

/** Logging set-up for the servers: size-capped rolling files, so a long-running stack cannot fill the disk. */
final class Log4jFiles {

    private Log4jFiles() {}

    /** log4j2 properties for a JVM that logs through log4j2 (the Kafka broker). */
    static String rollingFileConfig(Path logFile) {
        return String.join(
                "\n",
                "status = warn",
                "appender.file.type = RollingFile",
                "appender.file.name = file",
                "appender.file.fileName = " + logFile,
                "appender.file.filePattern = " + logFile + ".%i",
                "appender.file.layout.type = PatternLayout",
                "appender.file.layout.pattern = %d{ISO8601} %-5p [%t] %c{1.} - %m%n",
                "appender.file.policies.type = Policies",
                "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
                "appender.file.policies.size.size = 50MB",
                "appender.file.strategy.type = DefaultRolloverStrategy",
                "appender.file.strategy.max = 3",
                "rootLogger.level = INFO",
                "rootLogger.appenderRef.file.ref = file",
                "");
    }

    /** logback.xml for Cassandra, which brings logback and no configuration of its own. */
    static String cassandraLogback(Path logFile) {
        return """
                <configuration scan="false">
                  <appender name="SYSTEMLOG" class="ch.qos.logback.core.rolling.RollingFileAppender">
                    <file>%1$s</file>
                    <rollingPolicy class="ch.qos.logback.core.rolling.FixedWindowRollingPolicy">
                      <fileNamePattern>%1$s.%%i</fileNamePattern>
                      <minIndex>1</minIndex>
                      <maxIndex>3</maxIndex>
                    </rollingPolicy>
                    <triggeringPolicy class="ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy">
                      <maxFileSize>50MB</maxFileSize>
                    </triggeringPolicy>
                    <encoder>
                      <pattern>%%-5level [%%thread] %%date{ISO8601} %%F:%%L - %%msg%%n</pattern>
                    </encoder>
                  </appender>
                  <root level="INFO">
                    <appender-ref ref="SYSTEMLOG"/>
                  </root>
                </configuration>
                """.formatted(logFile);
    }
}
