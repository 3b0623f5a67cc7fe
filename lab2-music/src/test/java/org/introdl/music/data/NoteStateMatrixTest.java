package org.introdl.music.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.sound.midi.MidiSystem;
import org.introdl.core.testing.SharedFixtures;
import org.introdl.music.io.MidiWriter;
import org.introdl.music.io.MusicCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoteStateMatrixTest {
  @TempDir Path tmp;

  /** Column of MIDI pitch p. */
  private static int col(int pitch) {
    return pitch - 24;
  }

  @Test
  void rowsStartAtTheLabsSixteenthBoundariesAndHoldNotes() {
    // Resolution 128: rows start at ticks 16, 48, 80, 112 (tick % 32 == 16); row 0 exists before any event.
    var m = NoteStateMatrix.read(new MidiFiles(128, 1).on(0, 0, 60, 100).off(0, 64, 60).end(0, 128).write(tmp.resolve("a.mid")));
    assertEquals(5, m.rows());
    boolean[] expected = {true, true, false, false, false};
    for (int r = 0; r < 5; r++) {
      assertEquals(expected[r], m.isOn(r, col(60)), "row " + r);
    }
  }

  @Test
  void lastEventInARowWinsVelocityZeroIsOffAndOutOfRangePitchesAreIgnored() {
    var file = new MidiFiles(128, 1)
        .on(0, 20, 60, 90).off(0, 30, 60) // struck and released inside row 1: the row keeps the final state
        .on(0, 50, 62, 90).on(0, 80, 62, 0) // velocity 0 = off, at the start of row 3
        .on(0, 0, 23, 90).on(0, 0, 102, 90) // outside 24..101: ignored
        .on(0, 0, 24, 90).on(0, 0, 101, 90) // the range's ends: kept
        .end(0, 100).write(tmp.resolve("b.mid"));
    var m = NoteStateMatrix.read(file);
    assertEquals(4, m.rows()); // rows at 0, 16, 48, 80
    assertFalse(m.isOn(1, col(60)));
    assertTrue(m.isOn(2, col(62)));
    assertFalse(m.isOn(3, col(62)));
    assertTrue(m.isOn(0, 0) && m.isOn(0, 77) && m.isOn(3, 0) && m.isOn(3, 77));
    int sounding = 0;
    for (int n = 0; n < 78; n++) {
      sounding += m.isOn(0, n) ? 1 : 0;
    }
    assertEquals(2, sounding);
  }

  @Test
  void aTimeSignatureOtherThanTwoOrFourStopsTheSongAndTracksInterleaveByTick() {
    var stopped = NoteStateMatrix.read(new MidiFiles(128, 2).on(0, 0, 60, 90).timeSignature(1, 40, 3)
        .on(0, 60, 64, 90).end(0, 400).write(tmp.resolve("c.mid")));
    assertEquals(2, stopped.rows()); // rows at 0 and 16; the 3/4 event at tick 40 ends reading
    var fourFour = NoteStateMatrix.read(new MidiFiles(128, 2).timeSignature(0, 0, 4).on(0, 0, 60, 90)
        .on(1, 60, 64, 90).off(0, 100, 60).end(1, 200).write(tmp.resolve("d.mid")));
    assertEquals(7, fourFour.rows()); // 0, 16, 48, 80, 112, 144, 176
    assertTrue(fourFour.isOn(2, col(64)) && fourFour.isOn(2, col(60)));
    assertFalse(fourFour.isOn(4, col(60)));
    assertEquals(col(64), fourFour.melody().note(2)); // the melody keeps the highest note
    assertEquals(col(60), fourFour.melody().note(1));
  }

  @Test
  void equalsTheLabsTickByTickLoopOnTheReal88SongsAndKeeps73() throws Exception {
    Path dir = SharedFixtures.require("music-midi-2018/data");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".midi")).sorted().toList();
    }
    assertEquals(88, files.size());
    for (Path f : files) {
      NoteStateMatrix fast = NoteStateMatrix.read(f);
      List<int[]> reference = PythonTickWalk.matrix(MidiSystem.getSequence(f.toFile()));
      assertEquals(reference.size(), fast.rows(), f.getFileName() + ": rows");
      for (int r = 0; r < reference.size(); r++) {
        for (int n = 0; n < 78; n++) {
          assertEquals(reference.get(r)[n] == 1, fast.isOn(r, n), f.getFileName() + " row " + r + " note " + n);
        }
      }
    }
    SongDataset data = SongDataset.load(dir, 128, System.err);
    assertEquals(88, data.report().read());
    assertEquals(73, data.report().kept());
    assertEquals(15, data.report().tooShort().size());
    assertEquals(0, data.report().unreadable().size());
    for (Song s : data.songs()) {
      float[] m = s.melody().oneHot();
      assertEquals(0, m.length % 78);
      for (int r = 0; r < m.length / 78; r++) {
        float sum = 0;
        for (int c = 0; c < 78; c++) {
          float v = m[r * 78 + c];
          assertTrue(v == 0f || v == 1f);
          sum += v;
        }
        assertTrue(sum <= 1f, s.name() + " row " + r + " is not one-hot");
      }
    }
    assertEquals(129, data.find("How Deep Is Your Love - Chorus").melody().length());
    // The four files in 3/4 or 6/4 stop at their time signature (tick 0): one row each, discarded.
    assertTrue(data.report().tooShort().contains("Piano Man - Chorus (1 row: the lab stops reading at its 6/4 time"
        + " signature)"), data.report().tooShort().toString());
  }

  @Test
  void melodyRoundTripsThroughTheLabsMidiWriter() throws Exception {
    int[] notes = new int[150];
    for (int i = 0; i < notes.length; i++) {
      notes[i] = i % 7 == 3 ? Melody.REST : (i * 5) % 78;
    }
    notes[148] = Melody.REST;
    notes[149] = Melody.REST; // trailing rests survive too
    Melody m = new Melody(notes);
    Path mid = MidiWriter.write(m, tmp.resolve("rt.mid"));
    var seq = MidiSystem.getSequence(mid.toFile());
    assertEquals(1, seq.getTracks().length);
    assertEquals(220, seq.getResolution());
    Melody back = NoteStateMatrix.read(mid).melody();
    // Read back, the song gains one row: the one after the final note-offs.
    assertEquals(m.append(new int[] {Melody.REST}), back);
    // Through the CLI formats too.
    for (String ext : List.of("npy", "csv")) {
      Path matrix = tmp.resolve("m." + ext);
      m.save(matrix);
      assertEquals(m, Melody.load(matrix));
    }
    var encoded = MusicCodec.encode(mid, tmp.resolve("e.npy"));
    assertEquals(151, encoded.rows());
    assertArrayEquals(back.oneHot(), Melody.load(tmp.resolve("e.npy")).oneHot());
  }

  @Test
  void writerPutsNoteOffsBeforeNoteOnsWithVelocity40Every55Ticks() throws Exception {
    Path mid = MidiWriter.write(new Melody(new int[] {10, 10, 12, Melody.REST}), tmp.resolve("w.mid"));
    var track = MidiSystem.getSequence(mid.toFile()).getTracks()[0];
    var events = new java.util.ArrayList<String>();
    for (int i = 0; i < track.size(); i++) {
      var e = track.get(i);
      if (e.getMessage() instanceof javax.sound.midi.ShortMessage sm) {
        events.add(e.getTick() + (sm.getCommand() == 0x90 ? " on " : " off ") + sm.getData1() + " " + sm.getData2());
      }
    }
    assertEquals(List.of("0 on 34 40", "110 off 34 0", "110 on 36 40", "165 off 36 0"), events);
  }
}
