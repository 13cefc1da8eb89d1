package io.tgharvester;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** Threat Grid API v2 bodies, shaped as the real service sends them, for WireMock stubs. */
public final class TgJson {
    private TgJson() {
    }

    /** A deterministic 32-hex sample id from a number. */
    public static String id(int n) {
        return String.format("%032x", n);
    }

    public static String sample(int n, String state, String login, Instant submittedAt) {
        return sample(id(n), state, login == null ? "null" : '"' + login + '"', submittedAt, null);
    }

    public static String sample(String id, String state, String loginJson, Instant submittedAt, Instant completedAt) {
        return """
                {"id": "%s", "filename": "invoice-%s.exe", "state": "%s", "status": "%s",
                 "submitted_at": "%s", %s "login": %s, "organization_id": 4242, "submission_id": 1001,
                 "md5": "%s", "sha1": "%s", "sha256": "%s", "tags": ["phish", "q4"], "vm": "win10",
                 "os": "10.0.19041", "private": true, "playbook": "default", "priority": 3}"""
                .formatted(id, id.substring(24), state, "succ".equals(state) ? "job_done" : "pending",
                        submittedAt, completedAt == null ? "" : "\"completed_at\": \"" + completedAt + "\",",
                        loginJson, "a".repeat(32), "b".repeat(40), "c".repeat(64));
    }

    public static String page(int offset, int limit, List<String> items) {
        return """
                {"api_version": 2, "id": 7001, "data": {"index": %d, "items_per_page": %d,
                 "current_item_count": %d, "items": [%s]}}"""
                .formatted(offset, limit, items.size(), String.join(",", items));
    }

    public static String states(List<String> idStatePairs) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < idStatePairs.size(); i += 2) {
            items.append(items.isEmpty() ? "" : ",").append("""
                    {"sample": "%s", "state": "%s", "status": "x"}""".formatted(idStatePairs.get(i),
                    idStatePairs.get(i + 1)));
        }
        return "{\"api_version\": 2, \"id\": 7002, \"data\": [" + items + "]}";
    }

    public static String error(int code, String message) {
        return """
                {"api_version": 2, "id": 7003, "error": {"code": %d, "message": "%s",
                 "errors": [{"code": %d, "message": "%s"}]}}""".formatted(code, message, code, message);
    }

    public static String ids(List<String> ids) {
        return ids.stream().map(i -> '"' + i + '"').collect(Collectors.joining(",", "[", "]"));
    }
}
