package dev.kiln.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Loader;

/**
 * Runs the {@code ffmpeg} and {@code ffprobe} executables shipped in the bytedeco FFmpeg
 * artifact ({@code org.bytedeco:ffmpeg:…:linux-x86_64-gpl}), so tests need no system FFmpeg.
 *
 * <p>JavaCPP extracts the executables with their libraries into its cache folder. Two things
 * make them start there: the folder holds {@code libva.so} and {@code libva-drm.so} while the
 * executables ask for the {@code .so.2} names, so this adds those links; and the executables
 * must be run with {@code LD_LIBRARY_PATH} set to that folder. The machine also needs
 * {@code libpulse0} (libavdevice links it).
 */
public final class FfmpegTool {
  private static Path ffmpeg;
  private static Path ffprobe;

  private FfmpegTool() {}

  /** The result of a finished run. */
  public record Result(int exitCode, String output) {}

  public static synchronized Path ffmpeg() {
    if (ffmpeg == null) {
      ffmpeg = locate(org.bytedeco.ffmpeg.ffmpeg.class);
    }
    return ffmpeg;
  }

  public static synchronized Path ffprobe() {
    if (ffprobe == null) {
      ffprobe = locate(org.bytedeco.ffmpeg.ffprobe.class);
    }
    return ffprobe;
  }

  /**
   * Starts ffmpeg with the given arguments (after {@code -hide_banner -nostdin}); its
   * combined output goes to {@code log}.
   */
  public static Process startFfmpeg(Path log, List<String> args) {
    return start(ffmpeg(), log, args);
  }

  /** Runs ffmpeg to completion, killing it after {@code timeout}. */
  public static Result runFfmpeg(Duration timeout, List<String> args) {
    return run(ffmpeg(), timeout, args);
  }

  /** Runs ffprobe to completion, killing it after {@code timeout}. */
  public static Result runFfprobe(Duration timeout, List<String> args) {
    return run(ffprobe(), timeout, args);
  }

  /** Waits for a started process; kills it and fails when it outlives {@code timeout}. */
  public static Result await(Process process, Path log, Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError("ffmpeg still running after " + timeout + ":\n" + read(log));
      }
      return new Result(process.exitValue(), read(log));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Result run(Path exe, Duration timeout, List<String> args) {
    try {
      Path log = Files.createTempFile("kiln-ffmpeg", ".log");
      try {
        return await(start(exe, log, args), log, timeout);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Process start(Path exe, Path log, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(exe.toString());
    command.add("-hide_banner");
    if (exe.getFileName().toString().startsWith("ffmpeg")) {
      command.add("-nostdin");
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().put("LD_LIBRARY_PATH", exe.getParent().toString());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + exe, e);
    }
  }

  private static Path locate(Class<?> program) {
    String path;
    try {
      path = Loader.load(program);
    } catch (UnsatisfiedLinkError e) {
      throw new IllegalStateException("cannot load the bundled " + program.getSimpleName()
          + " (is libpulse0 installed? apt-get install -y libpulse0)", e);
    }
    Path exe = Path.of(path);
    Path dir = exe.getParent();
    link(dir, "libva.so.2", "libva.so");
    link(dir, "libva-drm.so.2", "libva-drm.so");
    return exe;
  }

  private static void link(Path dir, String name, String target) {
    Path link = dir.resolve(name);
    if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) || !Files.exists(dir.resolve(target))) {
      return;
    }
    try {
      Files.createSymbolicLink(link, Path.of(target));
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      // another test JVM made it first
    } catch (IOException e) {
      throw new UncheckedIOException("cannot link " + link + " -> " + target, e);
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
