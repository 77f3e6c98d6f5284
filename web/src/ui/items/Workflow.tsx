// Chain of thought and task lists: a collapsible block whose header shows the live task
// while it runs, and the summary (custom title or "Thought for Ns") once it is done.
import { useEffect, useRef, useState } from "preact/hooks";
import { safeUrl } from "../../markdown/inline";
import type { Task, TaskItem, WorkflowItem } from "../../protocol/types";
import { useStrings } from "../context";
import { Icon } from "../icons";
import { Markdown } from "../Markdown";

function taskTitle(task: Task): string {
  if (task.title) return task.title;
  if (task.type === "web_search") return task.title_query ?? task.queries.join(", ");
  if (task.type === "thought") return task.content.split("\n")[0]!.slice(0, 80);
  return "";
}

export function TaskView({ task }: { task: Task }) {
  const status = task.status_indicator ?? "none";
  return (
    <div class={`ck-task-row ck-task-${status}`}>
      <span class="ck-task-status" aria-hidden="true">
        {status === "loading" ? (
          <span class="ck-spinner" />
        ) : status === "complete" ? (
          <Icon name="check" size={14} />
        ) : task.type === "custom" && task.icon ? (
          <Icon name={task.icon} size={14} />
        ) : (
          <Icon name="dot" size={14} />
        )}
      </span>
      <div class="ck-task-body">
        {taskTitle(task) && <div class="ck-task-title">{taskTitle(task)}</div>}
        {task.type === "custom" && task.content && <Markdown text={task.content} class="ck-task-content" />}
        {task.type === "thought" && task.title && <Markdown text={task.content} class="ck-task-content" />}
        {task.type === "web_search" && task.sources.length > 0 && (
          <ul class="ck-task-sources">
            {task.sources.map((s, i) => (
              <li key={i}>
                {safeUrl(s.url) ? (
                  <a href={safeUrl(s.url)!} target="_blank" rel="noopener noreferrer">
                    {s.title || s.url}
                  </a>
                ) : (
                  s.title
                )}
              </li>
            ))}
          </ul>
        )}
        {task.type === "file" && task.sources.length > 0 && (
          <ul class="ck-task-sources">
            {task.sources.map((s, i) => (
              <li key={i}>{s.title || s.filename}</li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export function WorkflowView({ item, live }: { item: WorkflowItem; live: boolean }) {
  const t = useStrings();
  const wf = item.workflow;
  const [open, setOpen] = useState(!!wf.expanded);
  const started = useRef(Date.now());
  const [, tick] = useState(0);
  const running = live && !wf.summary;
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [running]);
  const current = [...wf.tasks].reverse().find((x) => x.status_indicator === "loading") ?? wf.tasks[wf.tasks.length - 1];
  let summary: string;
  let icon: string | undefined;
  if (wf.summary && "title" in wf.summary) {
    summary = wf.summary.title;
    icon = wf.summary.icon;
  } else if (wf.summary && "duration" in wf.summary) {
    summary = t.f("thoughtFor", { n: Math.max(1, Math.round(wf.summary.duration)) });
  } else if (running) {
    summary = (current && taskTitle(current)) || t.thinking;
  } else {
    summary =
      wf.type === "reasoning" ? t.f("thoughtFor", { n: Math.max(1, Math.round((Date.now() - started.current) / 1000)) }) : t.thinking;
  }
  return (
    <details class="ck-workflow" data-item-id={item.id} open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary class={running ? "ck-shimmer" : undefined}>
        {running ? <span class="ck-spinner" aria-hidden="true" /> : icon ? <Icon name={icon} /> : <Icon name="sparkle" />}
        <span>{summary}</span>
        <Icon name="chevron-down" size={14} />
      </summary>
      <div class="ck-workflow-tasks">
        {wf.tasks.map((task, i) => (
          <TaskView key={i} task={task} />
        ))}
      </div>
    </details>
  );
}

export function TaskItemView({ item }: { item: TaskItem }) {
  return (
    <div class="ck-task-item" data-item-id={item.id}>
      <TaskView task={item.task} />
    </div>
  );
}
