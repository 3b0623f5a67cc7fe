package org.introdl.music.data;

import java.util.ArrayList;
import java.util.List;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/**
 * An independent reference for the tests: the lab's {@code midiToNoteStateMatrix} loop transcribed literally
 * (relative ticks per track, a {@code timeleft} counter per track, one loop iteration per tick), returning the
 * hold matrix [rows][78] as ints.
 */
final class PythonTickWalk {
  private PythonTickWalk() {}

  static List<int[]> matrix(Sequence pattern) {
    Track[] tracks = pattern.getTracks();
    int n = tracks.length;
    long[][] rel = new long[n][];
    for (int i = 0; i < n; i++) {
      rel[i] = new long[tracks[i].size()];
      long prev = 0;
      for (int k = 0; k < tracks[i].size(); k++) {
        long abs = tracks[i].get(k).getTick();
        rel[i][k] = abs - prev;
        prev = abs;
      }
    }
    Long[] timeleft = new Long[n];
    int[] posns = new int[n];
    for (int i = 0; i < n; i++) {
      timeleft[i] = rel[i][0];
    }
    List<int[]> statematrix = new ArrayList<>();
    int[] state = new int[78];
    statematrix.add(state);
    long time = 0;
    boolean condition = true;
    int resolution = pattern.getResolution();
    while (condition) {
      if (time % (resolution / 4) == (resolution / 8)) {
        int[] old = state;
        state = old.clone();
        statematrix.add(state);
      }
      for (int i = 0; i < n; i++) {
        if (!condition) {
          break;
        }
        while (timeleft[i] != null && timeleft[i] == 0) {
          int pos = posns[i];
          MidiEvent evt = tracks[i].get(pos);
          if (evt.getMessage() instanceof ShortMessage sm
              && (sm.getCommand() == ShortMessage.NOTE_ON || sm.getCommand() == ShortMessage.NOTE_OFF)) {
            int pitch = sm.getData1();
            if (pitch >= 24 && pitch < 102) {
              boolean off = sm.getCommand() == ShortMessage.NOTE_OFF || sm.getData2() == 0;
              state[pitch - 24] = off ? 0 : 1;
            }
          } else if (evt.getMessage() instanceof MetaMessage mm && mm.getType() == 0x58) {
            int numerator = mm.getData()[0];
            if (numerator != 2 && numerator != 4) {
              condition = false;
              break;
            }
          }
          if (pos + 1 < rel[i].length) {
            timeleft[i] = rel[i][pos + 1];
            posns[i] += 1;
          } else {
            timeleft[i] = null;
          }
        }
        if (timeleft[i] != null) {
          timeleft[i] -= 1;
        }
      }
      boolean allDone = true;
      for (Long t : timeleft) {
        allDone &= t == null;
      }
      if (allDone) {
        break;
      }
      time += 1;
    }
    return statematrix;
  }
}
