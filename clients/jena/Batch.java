// Runs many Jena client commands in one JVM, so that the client tests pay for one Java start, not fifty.
//
//   java -cp <Jena's jars> Batch.java JOBS_DIR
//
// Each JOBS_DIR/<name>.args holds one command's arguments, separated by NUL characters:
//   - arguments of Jena's rsparql command (arq.rsparql), run as that command runs them;
//   - or `--ask-as ENDPOINT ACCEPT QUERY`: an ASK query through Jena's own HTTP query execution
//     with that Accept header, printing Jena's reading of the answer ("true" or "false"). rsparql
//     never asks for CSV or TSV, so this is how the tests check that Jena reads those answers;
//   - or `--tsv-boolean ENDPOINT QUERY`: the ASK answer fetched as TSV and read by Jena's TSV boolean
//     reader. Jena 4.5's query execution reads TSV only as a table (RowSetReaderTSV.readAny never
//     looks for a boolean), so an ASK over TSV fails in Jena against any server; this checks that
//     ours is in the form Jena's reader for TSV booleans takes.
// The command's standard output goes to <name>.out, its errors to <name>.err, its exit code to <name>.rc.
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.jena.riot.rowset.rw.RowSetReaderTSV;
import org.apache.jena.sparql.exec.http.QueryExecutionHTTP;

public class Batch {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<Path> jobs;
        try (Stream<Path> files = Files.list(dir)) {
            jobs = files.filter(p -> p.toString().endsWith(".args")).sorted().toList();
        }
        PrintStream stdout = System.out, stderr = System.err;
        for (Path job : jobs) {
            String stem = job.toString().substring(0, job.toString().length() - ".args".length());
            String[] command = Files.readString(job, StandardCharsets.UTF_8).split("\0", -1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            int rc;
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                rc = run(command);
            } catch (Throwable failure) {
                failure.printStackTrace();
                rc = 1;
            } finally {
                System.out.flush();
                System.err.flush();
                System.setOut(stdout);
                System.setErr(stderr);
            }
            Files.write(Path.of(stem + ".out"), out.toByteArray());
            Files.write(Path.of(stem + ".err"), err.toByteArray());
            Files.writeString(Path.of(stem + ".rc"), Integer.toString(rc));
        }
    }

    static int run(String[] command) throws Exception {
        if (command[0].equals("--tsv-boolean")) {
            URI uri = URI.create(command[1] + "?query=" + URLEncoder.encode(command[2], StandardCharsets.UTF_8));
            HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "text/tab-separated-values").build();
            HttpResponse<java.io.InputStream> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
            System.out.println(RowSetReaderTSV.booleanFromTSV(response.body()));
            return 0;
        }
        if (command[0].equals("--ask-as")) {
            try (QueryExecutionHTTP execution = QueryExecutionHTTP.service(command[1])
                    .query(command[3]).acceptHeader(command[2]).build()) {
                System.out.println(execution.execAsk());
            }
            return 0;
        }
        return new arq.rsparql(command).mainRun(false, false);
    }
}
