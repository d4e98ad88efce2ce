package io.corecache.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The dependency rules of docs/architecture: the engines and the replication protocol stay plain Java. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.corecache");

    @Test
    void enginesAndReplicationDoNotUsePekko() {
        noClasses().that().resideInAnyPackage("io.corecache.engine..", "io.corecache.replication..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.pekko..", "scala..")
                .because("storage engines and the Raft state machine are plain Java, driven by the cluster layer")
                .check(classes);
    }

    @Test
    void enginesDoNotReachUpTheLayers() {
        noClasses().that().resideInAnyPackage("io.corecache.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.corecache.cluster..", "io.corecache.api..", "io.corecache.cli..",
                        "io.corecache.replication..")
                .check(classes);
    }

    @Test
    void theClusterKnowsNothingOfItsFronts() {
        noClasses().that().resideInAnyPackage("io.corecache.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("io.corecache.api..", "io.corecache.cli..")
                .because("dependencies point one way: cli, api -> cluster -> replication, engine")
                .check(classes);
    }

    @Test
    void theFrontsGoThroughTheClusterNotToEngines() {
        noClasses().that().resideInAnyPackage("io.corecache.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.corecache.engine.bitcask..",
                        "io.corecache.engine.lsm..", "io.corecache.cli..")
                .because("a front routes each command to the key's partition replica, wherever it runs")
                .check(classes);
    }

    @Test
    void engineFileAccessGoesThroughFileOps() {
        noClasses().that().resideInAnyPackage("io.corecache.engine..")
                .and().haveNameNotMatching("io\\.corecache\\.engine\\.(NioFileOps|MappedFileHandle|ChannelFileHandle).*")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.nio.file.Files")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.io.RandomAccessFile")
                .because("the FileOps seam is what makes fault injection possible")
                .check(classes);
    }
}
