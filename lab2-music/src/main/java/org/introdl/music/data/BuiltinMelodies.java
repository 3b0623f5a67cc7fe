package org.introdl.music.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in corpus: public-domain melodies written out as text for this project (resource
 * {@code builtin-melodies.txt}), so that training and the main job work offline without the lab's MIDI files.
 */
public final class BuiltinMelodies {
  /** Each tune is repeated until it has at least this many rows, enough for the lab's 64-row windows. */
  public static final int MIN_ROWS = 192;
  private static final Pattern TOKEN = Pattern.compile("(R|[A-G]#?\\d):(\\d+)");
  private static final String[] NAMES = {"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"};

  private BuiltinMelodies() {}

  public static List<Song> songs() {
    List<Song> songs = new ArrayList<>();
    try (InputStream in = BuiltinMelodies.class.getResourceAsStream("builtin-melodies.txt");
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int eq = line.indexOf(" = ");
        songs.add(new Song(line.substring(0, eq).strip(), repeat(parse(line.substring(eq + 3)))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return songs;
  }

  /** Parses "E4:4 R:2 ..." into rows of note indices. */
  static int[] parse(String text) {
    List<Integer> rows = new ArrayList<>();
    for (String token : text.trim().split("\\s+")) {
      Matcher m = TOKEN.matcher(token);
      if (!m.matches()) {
        throw new IllegalArgumentException("bad melody token '" + token + "'");
      }
      int note = m.group(1).equals("R") ? Melody.REST : midiPitch(m.group(1)) - NoteStateMatrix.LOWEST_PITCH;
      for (int i = 0; i < Integer.parseInt(m.group(2)); i++) {
        rows.add(note);
      }
    }
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  /** MIDI pitch of a name like "C4" (60) or "F#5". */
  static int midiPitch(String name) {
    String pitchClass = name.substring(0, name.length() - 1);
    int octave = name.charAt(name.length() - 1) - '0';
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(pitchClass)) {
        return 12 * (octave + 1) + i;
      }
    }
    throw new IllegalArgumentException("bad pitch " + name);
  }

  private static Melody repeat(int[] once) {
    int copies = (MIN_ROWS + once.length - 1) / once.length;
    int[] all = new int[once.length * copies];
    for (int c = 0; c < copies; c++) {
      System.arraycopy(once, 0, all, c * once.length, once.length);
    }
    return new Melody(all);
  }
}
