package io.tgharvester.sim;

import java.util.List;

/**
 * What a sample's analysis found, drawn from small shared pools so that samples share domains, addresses, IOCs and
 * dropped files, as real campaigns do. Tests check correlation against this.
 */
public record SimulatedAnalysis(
        int threatScore,
        List<String> domains,
        List<String> ips,
        List<Ioc> iocs,
        List<DroppedFile> dropped,
        List<String> processNames) {

    public SimulatedAnalysis {
        domains = List.copyOf(domains);
        ips = List.copyOf(ips);
        iocs = List.copyOf(iocs);
        dropped = List.copyOf(dropped);
        processNames = List.copyOf(processNames);
    }

    public record Ioc(String name, String title, String category, int severity, int confidence) {
    }

    public record DroppedFile(String path, String sha256, String md5, String sha1, long size, String magicType) {
    }
}
