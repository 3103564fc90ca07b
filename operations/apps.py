from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Operations: health, logs, metrics, scheduled jobs"

    def ready(self):
        from celery.signals import before_task_publish, task_postrun, task_prerun, worker_ready
        from oscar.apps.order.signals import order_placed

        from operations import logs, metrics

        # weak=False: the receivers are module functions, connected once per process.
        before_task_publish.connect(logs.add_request_id_header, weak=False)
        task_prerun.connect(logs.bind_task_request_id, weak=False)
        task_postrun.connect(logs.unbind_task_request_id, weak=False)
        task_prerun.connect(metrics.start_task_timer, weak=False)
        task_postrun.connect(metrics.count_task, weak=False)
        order_placed.connect(metrics.count_order_placed, weak=False)
        worker_ready.connect(metrics.serve_worker_metrics, weak=False)
