package io.salespipeline.job.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The job's packages by role, arrows one way: the records know nothing else, the functions no connector, only the job
 * wires.
 */
@AnalyzeClasses(packages = "io.salespipeline.job", importOptions = ImportOption.DoNotIncludeTests.class)
class JobArchitectureTest {

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().matching("io.salespipeline.job.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule recordsDependOnNoOtherPartOfTheJob = noClasses()
            .that()
            .resideInAPackage("..job.records..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..job.functions..", "..job.sinks..", "..job.kafka..", "..job.parse..", "..job.config..");

    @ArchTest
    static final ArchRule functionsKnowNoConnector = noClasses()
            .that()
            .resideInAPackage("..job.functions..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..job.sinks..",
                    "..job.kafka..",
                    "org.apache.flink.connector..",
                    "org.apache.kafka..",
                    "com.datastax..");

    @ArchTest
    static final ArchRule onlyTheJobWires = noClasses()
            .that()
            .resideOutsideOfPackage("io.salespipeline.job")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.salespipeline.job");

    @ArchTest
    static final ArchRule theJobKnowsNoLauncher = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.salespipeline.stack..", "io.salespipeline.testkit..");
}
