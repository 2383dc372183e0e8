package dev.coexist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the design, on the service's compiled classes: the data path runs one way,
 * decoding does no IO, the store side knows no HTTP, ingest knows no store model, the journal knows
 * nothing of what is applied from it, and no package imports another that imports it back. Each
 * rule fails with the offending classes and their dependency.
 */
class PackageRulesTest {
  private static JavaClasses service;

  @BeforeAll
  static void importClasses() {
    service =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.coexist");
  }

  @Test
  void decodingDoesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("dev.coexist.coexistence..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..", "java.net..", "java.nio.file..", "java.nio.channels..", "javax.sql..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.io.File")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.coexist.api..",
            "dev.coexist.apply..",
            "dev.coexist.cli..",
            "dev.coexist.config..",
            "dev.coexist.db..",
            "dev.coexist.changes..",
            "dev.coexist.inbox..",
            "dev.coexist.ingest..",
            "dev.coexist.journal..",
            "dev.coexist.store..",
            "dev.coexist.web..")
        .because("decoding is pure: bytes in, typed events out")
        .check(service);
  }

  @Test
  void theStoreSideKnowsNoHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.coexist.store..",
            "dev.coexist.apply..",
            "dev.coexist.journal..",
            "dev.coexist.db..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.helidon..",
            "java.net.http..",
            "dev.coexist.api..",
            "dev.coexist.ingest..",
            "dev.coexist.inbox..",
            "dev.coexist.web..",
            "dev.coexist.changes..",
            "dev.coexist.cli..")
        .because("the journal, the store and the apply path run without a web server")
        .check(service);
  }

  @Test
  void ingestKnowsNoStoreModel() {
    noClasses()
        .that()
        .resideInAPackage("dev.coexist.ingest..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.coexist.store..", "dev.coexist.apply..", "dev.coexist.db..")
        .because("ingest authenticates and journals raw bytes; what they mean is decided later")
        .check(service);
  }

  @Test
  void theJournalKnowsNothingOfWhatIsAppliedFromIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.coexist.journal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.coexist.store..", "dev.coexist.apply..")
        .because("the journal is the durable raw log; the store records how far it applied it")
        .check(service);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.coexist.(**)").should().beFreeOfCycles().check(service);
  }
}
