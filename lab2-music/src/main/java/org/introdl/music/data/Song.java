package org.introdl.music.data;

/** One encoded song of the data set: its name (the file name without extension) and its melody. */
public record Song(String name, Melody melody) {}
