package org.introdl.music.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.introdl.core.UserError;
import org.introdl.core.testing.BadInputs;
import org.introdl.music.io.MidiWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and hostile MIDI files: each is a one-line error naming the file, or a counted skip; never a crash. */
class BadMidiTest {
  @TempDir Path tmp;

  private static byte[] validSong() {
    MidiFiles f = new MidiFiles(128, 2).timeSignature(0, 0, 4);
    for (int i = 0; i < 40; i++) {
      f.on(1, i * 32L, 60 + i % 12, 90).off(1, i * 32L + 30, 60 + i % 12);
    }
    return f.end(1, 40 * 32).bytes();
  }

  /** A Standard MIDI File from raw parts: header fields and one track's event bytes. */
  private static byte[] smf(int format, int tracks, int division, byte[]... trackData) {
    ByteBuffer b = ByteBuffer.allocate(14 + 8 * trackData.length + java.util.Arrays.stream(trackData).mapToInt(t -> t.length).sum());
    b.put("MThd".getBytes(StandardCharsets.US_ASCII)).putInt(6).putShort((short) format).putShort((short) tracks)
        .putShort((short) division);
    for (byte[] t : trackData) {
      b.put("MTrk".getBytes(StandardCharsets.US_ASCII)).putInt(t.length).put(t);
    }
    return b.array();
  }

  private static final byte[] END = {0x00, (byte) 0xFF, 0x2F, 0x00};

  @Test
  void twoHundredDamagedFilesGiveOneLineErrorsOrMatrices() throws Exception {
    byte[] valid = validSong();
    List<byte[]> cases = new ArrayList<>();
    cases.addAll(BadInputs.truncations(valid, 60));
    cases.addAll(BadInputs.randomBytes(1, 40, 400));
    cases.addAll(BadInputs.corruptions(valid, 2, 100));
    // Hostile headers and events.
    cases.add(smf(1, 1, 0, END)); // resolution 0
    cases.add(smf(1, 1, 3, END)); // resolution too small for sixteenth notes
    cases.add(smf(1, 1, 0xE728, END)); // SMPTE division
    cases.add(smf(1, 0, 128)); // no tracks at all: valid, one row
    cases.add(smf(1, 5, 128, END)); // claims 5 tracks, has 1
    byte[] hugeDeltas = new byte[10 * 7 + END.length];
    for (int i = 0; i < 10; i++) { // ten note-ons, each 0x0FFFFFFF ticks after the previous one
      System.arraycopy(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, (byte) 0x90, 60, 90}, 0, hugeDeltas, i * 7, 7);
    }
    System.arraycopy(END, 0, hugeDeltas, 70, END.length);
    cases.add(smf(1, 1, 128, hugeDeltas));
    ByteBuffer lying = ByteBuffer.wrap(smf(1, 1, 128, END));
    lying.putInt(18, 0x7FFFFFF0); // a track that claims 2 GB
    cases.add(lying.array());
    byte[] hugeMeta = {0x00, (byte) 0xFF, 0x01, (byte) 0x8F, (byte) 0xFF, (byte) 0xFF, 0x7F, 0x41};
    cases.add(smf(1, 1, 128, hugeMeta));
    assertTrue(cases.size() >= 200, "corpus size " + cases.size());

    int errors = 0;
    int read = 0;
    for (int i = 0; i < cases.size(); i++) {
      Path f = tmp.resolve("case-" + i + ".mid");
      Files.write(f, cases.get(i));
      try {
        NoteStateMatrix m = NoteStateMatrix.read(f);
        assertTrue(m.rows() >= 1 && m.rows() <= NoteStateMatrix.MAX_ROWS);
        read++;
      } catch (UserError e) {
        String msg = e.getMessage();
        assertTrue(msg.startsWith(f.toString()), "message names the file: " + msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
        errors++;
      }
    }
    assertEquals(cases.size(), errors + read);
    assertTrue(errors > 100, "most damaged files are refused: " + errors);
  }

  @Test
  void aFolderWithBadFilesCountsThemAndKeepsTheGoodOnes() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("songs"));
    MidiWriter.write(BuiltinMelodies.songs().get(0).melody(), dir.resolve("good.mid"));
    Files.write(dir.resolve("random.mid"), BadInputs.randomBytes(3, 1, 100).get(0));
    Files.write(dir.resolve("empty.midi"), new byte[0]);
    Files.write(dir.resolve("short.mid"), new MidiFiles(128, 1).on(0, 0, 60, 90).end(0, 64).bytes());
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    SongDataset data = SongDataset.load(dir, 128, new PrintStream(warnings, true, StandardCharsets.UTF_8));
    assertEquals(4, data.report().read());
    assertEquals(1, data.report().kept());
    assertEquals(List.of("empty", "random"), data.report().unreadable());
    assertEquals(1, data.report().tooShort().size());
    assertEquals(2, warnings.toString(StandardCharsets.UTF_8).lines().count());
  }

  @Test
  void anEmptyOrMissingFolderIsAClearError() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    UserError e = assertThrows(UserError.class, () -> SongDataset.load(empty, 128, System.err));
    assertTrue(e.getMessage().contains("no .mid or .midi files"));
    e = assertThrows(UserError.class, () -> SongDataset.load(tmp.resolve("missing"), 128, System.err));
    assertTrue(e.getMessage().contains("no such folder"));
  }

  @Test
  void badMatrixFilesAreOneLineErrors() throws Exception {
    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "1,0\n");
    assertThrows(UserError.class, () -> Melody.load(csv));
    Path twoHot = tmp.resolve("two.csv");
    Files.writeString(twoHot, "1,1" + ",0".repeat(76) + "\n");
    assertTrue(assertThrows(UserError.class, () -> Melody.load(twoHot)).getMessage().contains("not one-hot"));
    Path npy = tmp.resolve("bad.npy");
    Files.write(npy, new byte[] {1, 2, 3});
    assertThrows(UserError.class, () -> Melody.load(npy));
    Path txt = tmp.resolve("m.txt");
    Files.writeString(txt, "x");
    assertThrows(UserError.class, () -> Melody.load(txt));
  }
}
