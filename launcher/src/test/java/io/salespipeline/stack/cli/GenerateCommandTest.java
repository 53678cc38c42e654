package io.salespipeline.stack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.salespipeline.contract.Topic;
import io.salespipeline.stack.StackException;
import io.salespipeline.stack.generate.EventGenerator;
import io.salespipeline.stack.generate.EventGeneratorTest;
import io.salespipeline.stack.generate.EventPublisher;
import io.salespipeline.stack.generate.GenerateOptions;
import io.salespipeline.stack.generate.Message;
import io.salespipeline.stack.generate.ReferenceData;
import io.salespipeline.stack.generate.StatusLine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerateCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<String> finished = new ArrayList<>();
    private final List<String> bootstraps = new ArrayList<>();
    private MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private InputStream stdin = InputStream.nullInputStream();

    private final StatusLine status = new StatusLine() {
        @Override
        public void update(String text) {}

        @Override
        public void finish(String text) {
            finished.add(text);
        }
    };

    private int run(String... args) {
        EventPublisher publisher = new EventPublisher(status, stdin, bootstrap -> {
            bootstraps.add(bootstrap);
            return producer;
        });
        GenerateCommand command = new GenerateCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8), publisher, () -> "127.0.0.1:19092");
        return command.run(List.of(args));
    }

    @Test
    void sendsExactlyCountMessagesThoseOfTheGenerator() {
        assertThat(run(
                        "--count",
                        "2500",
                        "--seed",
                        "3",
                        "--bad-ratio",
                        "0.1",
                        "--late-ratio",
                        "0.1",
                        "--topic",
                        "t",
                        "--bootstrap",
                        "h:1",
                        "--no-reference"))
                .isZero();

        EventGenerator generator = new EventGenerator(new EventGenerator.Settings(
                3, 20, 30, 0.1, 0.1, Instant.parse("2018-06-29T20:45:00Z").toEpochMilli(), 0));
        List<Message> expected =
                IntStream.range(0, 2500).mapToObj(i -> generator.next()).toList();
        assertThat(producer.history())
                .hasSize(2500)
                .allSatisfy(r -> assertThat(r.topic()).isEqualTo("t"));
        assertThat(producer.history().stream()
                        .map(r -> EventGeneratorTest.describe(new Message(r.key(), r.value(), false, null)))
                        .toList())
                .isEqualTo(expected.stream()
                        .map(m -> EventGeneratorTest.describe(new Message(m.key(), m.value(), false, null)))
                        .toList());
        assertThat(bootstraps).containsExactly("h:1");
        assertThat(producer.closed()).isTrue();
        long bad = expected.stream().filter(Message::bad).count();
        long late = expected.stream().filter(Message::late).count();
        assertThat(finished)
                .singleElement()
                .asString()
                .matches("sent 2500 events \\(" + bad + " bad, " + late + " late\\) in [0-9.]+ s, [0-9]+ events/s");
    }

    @Test
    void withoutBootstrapItSendsToTheRunningStacksKafka() {
        run("--count", "1", "--no-reference");
        assertThat(bootstraps).containsExactly("127.0.0.1:19092");
        assertThat(producer.history())
                .singleElement()
                .extracting(ProducerRecord::topic)
                .isEqualTo("item_sales");
    }

    @Test
    void keepsToTheRate() {
        long start = System.nanoTime();
        run("--count", "21", "--rate", "100", "--no-reference");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(producer.history()).hasSize(21);
        assertThat(millis).as("20 intervals of 10 ms").isBetween(195L, 2_000L);
    }

    @Test
    void aFailedSendStopsSendingAndFailsWithOneLine() throws Exception {
        producer = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        CompletableFuture<Integer> result =
                CompletableFuture.supplyAsync(() -> run("--count", "1000", "--rate", "200", "--no-reference"));
        while (producer.history().size() < 3) {
            Thread.sleep(1);
        }
        producer.errorNext(new TimeoutException("Expiring 1 record(s)\nfor item_sales-0"));
        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
                .hasMessageMatching("sending to topic item_sales at 127.0.0.1:19092 failed \\(0 of [0-9]+ messages "
                        + "acknowledged\\): Expiring 1 record\\(s\\) for item_sales-0 \\(does the "
                        + "topic exist, and does Kafka answer there\\? \\./stack status\\)");
        assertThat(producer.history().size()).isLessThan(100);
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void aSendThatThrowsFailsTheCommandToo() {
        producer.sendException = new KafkaException("producer is closed");
        assertThatThrownBy(() -> run("--count", "5", "--no-reference"))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
                .hasMessageEndingWith("failed (0 of 0 messages acknowledged): producer is closed");
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.sendException = new KafkaException("producer is closed");
        assertThatThrownBy(() -> run("--count", "5"))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(1))
                .hasMessage("sending the reference data to 127.0.0.1:19092 failed: producer is closed (do the topics "
                        + "item_catalog and store_directory exist? ./stack up creates them)");
    }

    @Test
    void theReferenceDataOfTheGeneratedItemsAndStoresGoesFirst() {
        assertThat(run("--count", "50", "--seed", "4", "--item-catalog-topic", "c", "--store-directory-topic", "d"))
                .isZero();
        List<String> topics =
                producer.history().stream().map(ProducerRecord::topic).toList();
        List<ReferenceData.Record> reference = ReferenceData.of(
                new EventGenerator.Settings(
                        4, 20, 30, 0, 0, Instant.parse("2018-06-29T20:45:00Z").toEpochMilli(), 0),
                Duration.ofMillis(50));
        assertThat(topics.subList(0, reference.size()))
                .containsOnly("c", "d")
                .containsExactlyElementsOf(reference.stream()
                        .map(r -> r.topic() == Topic.ITEM_CATALOG ? "c" : "d")
                        .toList());
        assertThat(topics.subList(reference.size(), topics.size())).hasSize(50).containsOnly("item_sales");
        assertThat(finished.get(0)).isEqualTo("sent the reference data: 41 records to c, 19 to d");
    }

    @Test
    void sendsStdinLinesAsTheyAreWithoutKey() {
        stdin = new ByteArrayInputStream("{\"a\": 1}\n\nnot json\r\n{\"b\": 2}".getBytes(StandardCharsets.UTF_8));
        assertThat(run("--stdin")).isZero();
        assertThat(producer.history())
                .allSatisfy(r -> assertThat(r.key()).isNull())
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("{\"a\": 1}", "not json", "{\"b\": 2}");
        assertThat(finished).singleElement().asString().startsWith("sent 3 events from stdin in ");
    }

    @Test
    void sendsFileLinesByteForByteUpToTheCount() throws Exception {
        byte[] latin1 = "{\"item_name\": \"Crème\"}".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("events.jsonl");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.write(latin1);
        content.write("\nsecond\nthird\n".getBytes(StandardCharsets.UTF_8));
        Files.write(file, content.toByteArray());

        assertThat(run("--file", file.toString(), "--count", "2")).isZero();
        assertThat(producer.history()).hasSize(2);
        assertThat(producer.history().get(0).value()).isEqualTo(latin1);
        assertThat(producer.history().get(1).value()).isEqualTo("second".getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "--rate -3 --count 5                  | --rate must be >= 0, got -3",
                "--rate 5                             | --count is required (or send lines with --file PATH "
                        + "or --stdin)",
                "--count 0                            | --count must be >= 1, got 0",
                "--count ten                          | option --count expects a whole number, got 'ten'",
                "--count                              | option --count needs a value",
                "--count 1 --rate NaN                 | option --rate expects a number, got 'NaN'",
                "--count 1 --bad-ratio 1.5            | --bad-ratio must be between 0 and 1, got 1.5",
                "--count 1 --late-ratio=-0.1          | --late-ratio must be between 0 and 1, got -0.1",
                "--count 1 --stores 0                 | --stores must be between 1 and 1000, got 0",
                "--count 1 --items 9001               | --items must be between 1 and 9000, got 9001",
                "--count 1 --start-time yesterday     | --start-time expects an ISO-8601 instant such as "
                        + "2018-06-29T20:45:00Z or now, got 'yesterday'",
                "--count 1 --start-time 1999-01-01T00:00:00Z | --start-time must be from 2001-01-01T00:00:00Z "
                        + "to before 2099-01-01T00:00:00Z (the pipeline accepts event times in 2000..2099), "
                        + "got 1999-01-01T00:00:00Z",
                "--count 1 --bootstrap localhost      | --bootstrap expects host:port, got 'localhost'",
                "--count 1 --topic=                   | --topic must not be empty",
                "--count 1 --count 2                  | option --count is given twice",
                "--count 1 extra                      | generate takes no arguments, got 'extra'",
                "--count 1 --stdin=yes                | option --stdin takes no value",
                "--stdin --file x                     | --file and --stdin exclude each other",
                "--stdin --seed 3                     | --seed shapes generated events; it does not apply to --stdin",
                "--file /no/such/file                 | --file /no/such/file: no such readable file",
                "--count 1 --colour red               | unknown option --colour (known: --bad-ratio, "
                        + "--bootstrap, --count, --file, --item-catalog-topic, --items, --late-ratio, --no-reference, "
                        + "--rate, --seed, --start-time, --stdin, --store-directory-topic, --stores, --topic)",
                "--stdin --no-reference               | --no-reference: --stdin sends no reference data",
            })
    void badArgumentsAreUsageErrorsWithOneLineReason(String args, String reason) {
        assertThatThrownBy(() -> run(args.trim().split("\\s+")))
                .isInstanceOfSatisfying(
                        StackException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
                .hasMessage(reason);
        assertThat(bootstraps).as("no producer for a usage error").isEmpty();
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("usage: ./stack generate --count N")
                .contains(
                        "--rate R",
                        "--stores S",
                        "--items I",
                        "--bad-ratio X",
                        "--late-ratio Y",
                        "--seed K",
                        "--start-time T",
                        "--topic T",
                        "--bootstrap H:P",
                        "--file PATH",
                        "--stdin");
        assertThat(bootstraps).isEmpty();
    }

    @Test
    void startTimeNowReadsTheWallClockOnce() {
        Instant now = Instant.parse("2026-03-01T12:00:00.123Z");
        List<Instant> reads = new ArrayList<>();
        GenerateOptions options = GenerateOptions.parse(List.of("--count", "3", "--start-time", "now"), () -> {
            reads.add(now);
            return now;
        });
        assertThat(options.events().startTimeMs()).isEqualTo(now.toEpochMilli());
        assertThat(reads).hasSize(1);
    }
}
