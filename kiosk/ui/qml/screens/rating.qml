import QtQuick
import "../components"

Item {
    objectName: "screen_rating"
    Column {
        anchors.centerIn: parent
        width: parent.width * 0.92
        spacing: units.mm(10)
        Heading {
            horizontalAlignment: Text.AlignHCenter
            text: i18n.t.rating_title
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: units.mm(6)
            Repeater {
                model: [
                    { score: 3, label: i18n.t.rating_good },
                    { score: 2, label: i18n.t.rating_ok },
                    { score: 1, label: i18n.t.rating_bad }
                ]
                Rectangle {
                    id: choice
                    required property var modelData
                    objectName: "rate_" + modelData.score
                    width: (parent.parent.width - 2 * units.mm(6)) / 3
                    height: face.height + label.implicitHeight + units.mm(14)
                    radius: units.mm(3)
                    color: theme.c.secondary
                    border.color: theme.c.border
                    border.width: units.mm(0.8)
                    Accessible.role: Accessible.Button
                    Accessible.name: modelData.label
                    Accessible.onPressAction: flow.rate(modelData.score)
                    Face {
                        id: face
                        anchors.horizontalCenter: parent.horizontalCenter
                        y: units.mm(5)
                        width: Math.min(units.mm(40), choice.width - units.mm(8))
                        height: width
                        mood: choice.modelData.score
                        ink: theme.c.secondary_text
                    }
                    Text {
                        id: label
                        anchors.top: face.bottom
                        anchors.topMargin: units.mm(4)
                        width: parent.width - units.mm(4)
                        anchors.horizontalCenter: parent.horizontalCenter
                        horizontalAlignment: Text.AlignHCenter
                        wrapMode: Text.WordWrap
                        color: theme.c.secondary_text
                        font.pixelSize: units.body_px
                        font.bold: true
                        text: choice.modelData.label
                    }
                    TapHandler { onTapped: flow.rate(choice.modelData.score) }
                }
            }
        }
        KButton {
            objectName: "skipRatingButton"
            anchors.horizontalCenter: parent.horizontalCenter
            kind: "secondary"
            text: i18n.t.rating_skip
            onClicked: flow.rate(0)
        }
    }
}
