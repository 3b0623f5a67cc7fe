package org.introdl.music.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.midi.InvalidMidiDataException;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;

/** Builds small MIDI files in tests with javax.sound.midi. */
public final class MidiFiles {
  private final Sequence sequence;

  public MidiFiles(int resolution, int tracks) {
    try {
      sequence = new Sequence(Sequence.PPQ, resolution);
      for (int i = 0; i < tracks; i++) {
        sequence.createTrack();
      }
    } catch (InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    }
  }

  public MidiFiles on(int track, long tick, int pitch, int velocity) {
    return add(track, tick, ShortMessage.NOTE_ON, pitch, velocity);
  }

  public MidiFiles off(int track, long tick, int pitch) {
    return add(track, tick, ShortMessage.NOTE_OFF, pitch, 0);
  }

  public MidiFiles timeSignature(int track, long tick, int numerator) {
    try {
      sequence.getTracks()[track].add(new MidiEvent(new MetaMessage(0x58, new byte[] {(byte) numerator, 2, 24, 8}, 4), tick));
    } catch (InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  public MidiFiles end(int track, long tick) {
    try {
      sequence.getTracks()[track].add(new MidiEvent(new MetaMessage(0x2F, new byte[0], 0), tick));
    } catch (InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  private MidiFiles add(int track, long tick, int command, int pitch, int velocity) {
    try {
      Track t = sequence.getTracks()[track];
      t.add(new MidiEvent(new ShortMessage(command, 0, pitch, velocity), tick));
    } catch (InvalidMidiDataException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  public Sequence sequence() {
    return sequence;
  }

  public byte[] bytes() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MidiSystem.write(sequence, 1, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path write(Path file) {
    try {
      Files.write(file, bytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
