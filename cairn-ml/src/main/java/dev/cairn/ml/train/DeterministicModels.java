package dev.cairn.ml.train;

import com.oracle.labs.mlrg.olcut.provenance.ListProvenance;
import dev.cairn.core.CairnException;
import dev.cairn.core.ErrorCode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.Output;
import org.tribuo.ensemble.EnsembleModel;
import org.tribuo.provenance.EnsembleModelProvenance;
import org.tribuo.provenance.ModelProvenance;

/**
 * Gives a Tribuo model a provenance without volatile fields, so its protobuf bytes depend only on data, trainer
 * configuration and seed. Tribuo stamps every model (and every ensemble member) with the training time and the
 * JVM's version, OS and architecture; Cairn records the environment in the bundle's provenance instead.
 *
 * <p>Tribuo 4.3 offers no public way to replace a model's provenance; its {@code copy(name, provenance)} methods are
 * protected, so they are called reflectively (the classes are on the class path, not in named modules).
 */
final class DeterministicModels {
  /** The training time every Cairn-trained Tribuo model carries. */
  static final OffsetDateTime FIXED_TIME = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

  private DeterministicModels() {}

  @SuppressWarnings("unchecked")
  static <T extends Output<T>> Model<T> withFixedProvenance(Model<T> model) {
    try {
      if (model instanceof EnsembleModel<T> ensemble) {
        List<Model<T>> members = new ArrayList<>();
        for (Model<T> member : ensemble.getModels()) {
          members.add(withFixedProvenance(member));
        }
        EnsembleModelProvenance p = ensemble.getProvenance();
        EnsembleModelProvenance fixed = new EnsembleModelProvenance(p.getClassName(), FIXED_TIME,
            p.getDatasetProvenance(), p.getTrainerProvenance(), Map.of(), false,
            new ListProvenance<>(members.stream().map(Model::getProvenance).toList()));
        return (Model<T>) method(model.getClass(), EnsembleModelProvenance.class, List.class)
            .invoke(model, model.getName(), fixed, members);
      }
      ModelProvenance p = model.getProvenance();
      ModelProvenance fixed = new ModelProvenance(p.getClassName(), FIXED_TIME, p.getDatasetProvenance(),
          p.getTrainerProvenance(), Map.of(), false);
      return (Model<T>) method(model.getClass(), ModelProvenance.class).invoke(model, model.getName(), fixed);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "cannot give the " + model.getClass().getSimpleName()
          + " a fixed provenance for a repeatable bundle id: " + cause, cause);
    }
  }

  private static Method method(Class<?> type, Class<?>... tail) throws NoSuchMethodException {
    Class<?>[] types = new Class<?>[tail.length + 1];
    types[0] = String.class;
    System.arraycopy(tail, 0, types, 1, tail.length);
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Method m = c.getDeclaredMethod("copy", types);
        m.setAccessible(true);
        return m;
      } catch (NoSuchMethodException e) {
        // declared higher up
      }
    }
    throw new NoSuchMethodException(type.getName() + ".copy" + List.of(types));
  }
}
