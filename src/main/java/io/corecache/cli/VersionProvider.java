package io.corecache.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * {@code corecache --version}: the build's version, from the Maven descriptor the jar carries, and the Java
 * runtime it runs on (operators need both when they report a problem). Run from compiled classes rather
 * than the jar, there is no descriptor and the version says so.
 */
final class VersionProvider implements IVersionProvider {

    private static final String DESCRIPTOR = "/META-INF/maven/io.corecache/corecache/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[]{
                "corecache " + buildVersion(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                        + System.getProperty("java.home") + ")"
        };
    }

    static String buildVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(DESCRIPTOR)) {
            if (in == null) {
                return "(development build)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(unknown version)");
        } catch (IOException e) {
            return "(unknown version)";
        }
    }
}
