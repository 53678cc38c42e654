package io.salespipeline.stack.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The launcher's layers, arrows one way: the commands ({@code cli}: parse, call a service, print) on top (and above
 * them, in a module of its own, the bench); the operations ({@code replay}: the view versions, {@code views}: the read
 * side, {@code generate}: the events); the local stack ({@code local}: the three servers as child processes, their
 * settings and layout, up/down/status); the clients ({@code clients}: Kafka, Cassandra, Flink REST, logins) under
 * everything, so that pointing a command at a remote cluster needs no local-stack code; the shared basics (errors,
 * arguments, progress lines) in the root. Beside the layers: no operation uses another, and the contract is plain Java.
 */
@AnalyzeClasses(packages = "io.salespipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class LauncherArchitectureTest {

    @ArchTest
    static final ArchRule layersAreEnteredOnlyFromAbove = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("commands")
            .definedBy("io.salespipeline.stack.cli..")
            .layer("operations")
            .definedBy(
                    "io.salespipeline.stack.replay..",
                    "io.salespipeline.stack.views..",
                    "io.salespipeline.stack.generate..")
            .layer("local stack")
            .definedBy("io.salespipeline.stack.local..")
            .layer("clients")
            .definedBy("io.salespipeline.stack.clients..")
            .layer("basics")
            .definedBy("io.salespipeline.stack")
            .whereLayer("commands")
            .mayNotBeAccessedByAnyLayer()
            .whereLayer("operations")
            .mayOnlyBeAccessedByLayers("commands")
            .whereLayer("local stack")
            .mayOnlyBeAccessedByLayers("commands", "operations")
            .whereLayer("clients")
            .mayOnlyBeAccessedByLayers("commands", "operations", "local stack");

    @ArchTest
    static final ArchRule viewsUseNoOtherOperation = noClasses()
            .that()
            .resideInAPackage("..stack.views..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..stack.replay..", "..stack.generate..");

    @ArchTest
    static final ArchRule generateUsesNoOtherOperation = noClasses()
            .that()
            .resideInAPackage("..stack.generate..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..stack.replay..", "..stack.views..");

    @ArchTest
    static final ArchRule replayUsesNoOtherOperation = noClasses()
            .that()
            .resideInAPackage("..stack.replay..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..stack.views..", "..stack.generate..");

    @ArchTest
    static final ArchRule theContractDependsOnPlainJavaOnly = classes()
            .that()
            .resideInAPackage("io.salespipeline.contract..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("io.salespipeline.contract..", "java..");
}
