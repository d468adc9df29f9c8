package dev.cairn.serving.deploy;

/**
 * One entry of a deployment's history: what happened ({@code create}, {@code update}, {@code delete}), who did it,
 * when (epoch ms), the version it produced (null for a delete) and the deployment as JSON before and after (null
 * before a create and after a delete).
 */
public record DeploymentChange(String name, long seq, String kind, String actor, long time, Long version,
    String before, String after) {}
