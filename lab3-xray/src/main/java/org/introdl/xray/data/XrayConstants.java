package org.introdl.xray.data;

/** The lab's fixed numbers and names, once for every package of the lab. */
public final class XrayConstants {
  /** The notebook's image side: its h5 files hold 256x256 x-rays and its CAMs are upsampled to 256. */
  public static final int LAB_IMAGE_SIZE = 256;
  /** Seed of phantoms no training run draws (training uses small seeds): the CAM panels and eval's default data. */
  public static final long UNSEEN_PHANTOM_SEED = 1001;
  /** The lab's name in a run's {@code run.json}, which refuses runs of the other labs. */
  public static final String LAB = "x-ray";
  /** The command that writes training runs, named in messages about them. */
  public static final String TRAIN_COMMAND = "./labs xray train";

  private XrayConstants() {}
}
