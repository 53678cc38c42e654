package io.salespipeline.stack.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The launcher's arrows that hold so far: each tool ({@code views}, {@code generate}, {@code replay},
 * {@code bench}) builds on the shared root (local stack, clients, schema) and on no other tool
 * except where it composes one, and the bench is entered only through its command. The root still holds the CLI
 * beside the services it dispatches to (issue 15 continues there).
 */
@AnalyzeClasses(packages = "io.salespipeline", importOptions = ImportOption.DoNotIncludeTests.class)
class LauncherArchitectureTest {

    @ArchTest
    static final ArchRule viewsUseNoOtherTool = noClasses().that().resideInAPackage("..stack.views..")
            .should().dependOnClassesThat().resideInAnyPackage("..stack.replay..", "..stack.bench..", "..stack.generate..");

    @ArchTest
    static final ArchRule generateUsesNoOtherTool = noClasses().that().resideInAPackage("..stack.generate..")
            .should().dependOnClassesThat().resideInAnyPackage("..stack.replay..", "..stack.bench..", "..stack.views..");

    @ArchTest
    static final ArchRule replayUsesNoOtherTool = noClasses().that().resideInAPackage("..stack.replay..")
            .should().dependOnClassesThat().resideInAnyPackage("..stack.bench..", "..stack.views..", "..stack.generate..");

    @ArchTest
    static final ArchRule theBenchIsEnteredOnlyThroughItsCommand = classes().that().resideInAPackage("..stack.bench..")
            .should().onlyHaveDependentClassesThat().resideInAPackage("..stack.bench..").orShould().haveSimpleName("BenchCommand");

    @ArchTest
    static final ArchRule theContractDependsOnPlainJavaOnly = classes().that().resideInAPackage("io.salespipeline.contract..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("io.salespipeline.contract..", "java..");
}
