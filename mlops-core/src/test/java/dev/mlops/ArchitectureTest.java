package dev.mlops;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keeps the package layering of DESIGN §2 honest. */
class ArchitectureTest {

  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.mlops");

  private static final DescribedPredicate<JavaClass> INTERNAL =
      DescribedPredicate.describe(
          "an internal type", c -> c.getPackageName().startsWith("dev.mlops.internal"));

  @Test
  @DisplayName("the user API never exposes an internal type in a public signature")
  void apiDoesNotExposeInternals() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .resideInAnyPackage("dev.mlops", "dev.mlops.spi")
        .and()
        .arePublic()
        .should(notMention(INTERNAL))
        .check(CORE);
  }

  @Test
  @DisplayName("the SPI does not depend on internal machinery")
  void spiIndependentOfInternal() {
    noClasses()
        .that()
        .resideInAPackage("dev.mlops.spi")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.mlops.internal..")
        .check(CORE);
  }

  @Test
  @DisplayName("core never imports a backend module's package")
  void coreDoesNotImportBackends() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.mlops.mlflow..",
            "dev.mlops.s3..",
            "dev.mlops.gcs..",
            "dev.mlops.sagemaker..",
            "dev.mlops.serving..",
            "dev.mlops.spark..",
            "dev.mlops.flink..",
            "dev.mlops.cli..")
        .check(CORE);
  }

  @Test
  @DisplayName("core depends only on the JDK, SLF4J, Jackson, sqlite-jdbc and JSpecify")
  void coreStaysLight() {
    noClasses()
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "a library outside the allowed list",
                (JavaClass c) -> {
                  String n = c.getPackageName();
                  return !(n.startsWith("java")
                      || n.startsWith("dev.mlops")
                      || n.startsWith("org.slf4j")
                      || n.startsWith("com.fasterxml.jackson")
                      || n.startsWith("org.sqlite")
                      || n.startsWith("org.jspecify")
                      || n.isEmpty());
                }))
        .check(CORE);
  }

  private static ArchCondition<JavaMethod> notMention(DescribedPredicate<JavaClass> forbidden) {
    return new ArchCondition<>("not mention " + forbidden.getDescription()) {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        if (!method.getOwner().getModifiers().contains(JavaModifier.PUBLIC)) {
          return;
        }
        boolean bad =
            forbidden.test(method.getRawReturnType())
                || method.getRawParameterTypes().stream().anyMatch(forbidden);
        if (bad) {
          events.add(SimpleConditionEvent.violated(method, method.getFullName()));
        }
      }
    };
  }
}
