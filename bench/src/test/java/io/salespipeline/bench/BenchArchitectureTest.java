package io.salespipeline.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The bench measures through the launcher's services (the generator, the local stack, the clients),
 * never by running its commands: only its own entry point knows the command layer.
 */
@AnalyzeClasses(packages = "io.salespipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class BenchArchitectureTest {

    @ArchTest
    static final ArchRule theBenchComposesServicesNotCommands = noClasses()
            .that()
            .resideInAPackage("io.salespipeline.bench..")
            .and()
            .doNotHaveSimpleName("BenchStackCommand")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.salespipeline.stack.cli..");
}
