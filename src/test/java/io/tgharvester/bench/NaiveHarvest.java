package io.tgharvester.bench;

import com.squareup.moshi.Moshi;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The script a user would write in an afternoon for the seed use case, the yardstick of {@code scripts/bench backlog}:
 * list the organization's samples page by page, then get each succeeded sample's four artifacts one after another
 * into files. One kept-alive connection, no fsync, no database, no retries.
 * Usage: {@code NaiveHarvest <base-url> <api-key> <after ISO-8601> <out-dir>}; prints the files written.
 */
public final class NaiveHarvest {
    private static final List<String> ARTIFACTS = List.of("analysis.json", "processes.json", "network.pcap",
            "video.webm");
    private static final int LIMIT = 1000;

    private NaiveHarvest() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        Path out = Path.of(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var json = new Moshi.Builder().build().adapter(Map.class);
        List<String> succeeded = new ArrayList<>();
        int offset = 0;
        while (true) {
            String url = base + "/api/v2/samples?org_only=True&after=" + URLEncoder.encode(args[2],
                    StandardCharsets.UTF_8) + "&limit=" + LIMIT + "&offset=" + offset;
            Map<?, ?> data = (Map<?, ?>) json.fromJson(http.send(get(url, key),
                    HttpResponse.BodyHandlers.ofString()).body()).get("data");
            List<?> items = (List<?>) data.get("items");
            for (Object item : items) {
                Map<?, ?> sample = (Map<?, ?>) item;
                if ("succ".equals(sample.get("state"))) {
                    succeeded.add((String) sample.get("id"));
                }
            }
            offset += items.size();
            if (items.size() < ((Number) data.get("items_per_page")).intValue()) {
                break;
            }
        }
        int files = 0;
        for (String id : succeeded) {
            Path dir = Files.createDirectories(out.resolve(id));
            for (String name : ARTIFACTS) {
                HttpResponse<Path> response = http.send(get(base + "/api/v2/samples/" + id + "/" + name, key),
                        HttpResponse.BodyHandlers.ofFile(dir.resolve(name)));
                if (response.statusCode() == 200) {
                    files++;
                } else {
                    Files.delete(response.body());
                }
            }
        }
        System.out.println(files);
    }

    private static HttpRequest get(String url, String key) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "bearer " + key).build();
    }
}
