package org.introdl.music;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.introdl.core.UserError;
import org.introdl.music.data.Melody;
import org.introdl.music.data.MidiFiles;
import org.introdl.music.data.SongDataset;
import org.introdl.music.io.MusicCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the music lab says about data it cannot use: the file, the reason, and nothing written. */
class MusicMessagesTest {
  @TempDir Path temp;
  private final PrintStream warnings = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private Path midi(String name, MidiFiles song) throws Exception {
    return Files.write(temp.resolve(name), song.bytes());
  }

  @Test
  void aFolderOfNonMidiFilesIsSaidToHoldNoMidi() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("texts"));
    Files.writeString(dir.resolve("notes.txt"), "hello");
    UserError e = assertThrows(UserError.class, () -> SongDataset.load(dir, 128, warnings));
    assertTrue(e.getMessage().contains("no .mid or .midi files in this folder (it holds 1 other file: notes.txt)"),
        e.getMessage());
  }

  @Test
  void midiNamedFilesThatAreNotMidiAreSaidToBeUnreadableNotTooShort() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("fake"));
    Files.writeString(dir.resolve("a.mid"), "not music");
    UserError e = assertThrows(UserError.class, () -> SongDataset.load(dir, 128, warnings));
    assertTrue(e.getMessage().contains("none of the 1 .mid/.midi files is a readable MIDI song"), e.getMessage());
    assertTrue(e.getMessage().contains("a.mid: not a MIDI file"), e.getMessage());
  }

  @Test
  void aFileGivenAsTheDataFolderIsSaidToBeAFile() throws Exception {
    Path file = Files.writeString(temp.resolve("README.md"), "# songs");
    UserError e = assertThrows(UserError.class, () -> SongDataset.loadDefault(Optional.of(file), 128, warnings));
    assertTrue(e.getMessage().endsWith("README.md: is a file, not a folder (give a folder of .mid/.midi files)"),
        e.getMessage());
  }

  @Test
  void aSongStoppedByItsTimeSignatureSaysSo() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("waltz"));
    MidiFiles long44 = new MidiFiles(96, 1);
    for (int i = 0; i < 40; i++) {
      long44.on(0, i * 24L, 60 + i % 5, 64).off(0, i * 24L + 20, 60 + i % 5);
    }
    Files.write(dir.resolve("fine.mid"), long44.bytes());
    Files.write(dir.resolve("waltz.mid"), new MidiFiles(96, 1).timeSignature(0, 0, 3).on(0, 0, 60, 64)
        .off(0, 500, 60).bytes());
    SongDataset data = SongDataset.load(dir, 20, warnings);
    assertEquals(1, data.songs().size());
    assertEquals("waltz (1 row: the lab stops reading at its 3/4 time signature)", data.report().tooShort().get(0));
  }

  @Test
  void encodingCountsNotesOutsideTheLabsRange() throws Exception {
    Path file = midi("wide.mid", new MidiFiles(96, 1).on(0, 0, 60, 64).off(0, 24, 60).on(0, 24, 110, 64)
        .off(0, 48, 110).on(0, 48, 12, 64).off(0, 72, 12).on(0, 72, 101, 64).off(0, 96, 101));
    MusicCodec.Encoded e = MusicCodec.encode(file, temp.resolve("wide.npy"));
    assertEquals(2, e.notesOutOfRange(), "MIDI 110 and 12 lie outside 24..101; 101 is the top of the range");
    assertEquals(101, e.highestNote());
  }

  @Test
  void aMidiFileWithoutNotesOrTracksIsRefusedAndNothingIsWritten() throws Exception {
    // A header declaring no tracks (javax.sound.midi will not write one): format 1, 0 tracks, 96 ticks a quarter.
    Path noTracks = Files.write(temp.resolve("empty.mid"), new byte[] {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 0, 0, 96});
    Path onlyHigh = midi("high.mid", new MidiFiles(96, 1).on(0, 0, 110, 64).off(0, 24, 110));
    Path out = temp.resolve("m.npy");
    UserError a = assertThrows(UserError.class, () -> MusicCodec.encode(noTracks, out));
    assertTrue(a.getMessage().contains("empty.mid: no notes to encode (the file holds no note-on events)"), a.getMessage());
    UserError b = assertThrows(UserError.class, () -> MusicCodec.encode(onlyHigh, out));
    assertTrue(b.getMessage().contains("its one note is outside MIDI 24..101"), b.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void decodingAMatrixWithoutNotesIsRefusedAndNothingIsWritten() throws Exception {
    Path rests = temp.resolve("rests.npy");
    new Melody(new int[] {Melody.REST, Melody.REST}).save(rests);
    Path out = temp.resolve("out.mid");
    UserError e = assertThrows(UserError.class, () -> MusicCodec.decode(rests, out));
    assertTrue(e.getMessage().contains("rests.npy: the matrix's 2 rows are all rests: nothing to play"), e.getMessage());
    Path empty = temp.resolve("empty.npy");
    new Melody(new int[0]).save(empty);
    UserError none = assertThrows(UserError.class, () -> MusicCodec.decode(empty, out));
    assertTrue(none.getMessage().contains("the matrix has no rows"), none.getMessage());
    assertFalse(Files.exists(out));
  }
}
